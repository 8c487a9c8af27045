namespace TaskProtection;

/// <summary>The <see cref="ValueTask"/> shapes of the generated wrappers' shared body.</summary>
public static partial class CriticalSectionRunner
{
    /// <summary>Runs a <see cref="ValueTask"/>-returning implementation in a session.</summary>
    /// <typeparam name="TState">The one argument, or a value tuple of the arguments where there are none or more than six.</typeparam>
    /// <param name="registry">The registry to enter.</param>
    /// <param name="name">The session's name.</param>
    /// <param name="state">The argument or arguments.</param>
    /// <param name="body">Calls the implementation with the arguments.</param>
    /// <param name="cancellationToken">Cancels the wait for protection.</param>
    /// <returns>The implementation's value task; the session ends when it does.</returns>
    public static ValueTask RunValueTask<TState>(CriticalSessionRegistry registry, string name, TState state, Func<TState, ValueTask> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(body);
        ValueTask<CriticalSession> entering = registry.EnterAsync(name, cancellationToken);
        if (!entering.IsCompletedSuccessfully)
        {
            return AfterProtection(entering, state, body);
        }

        CriticalSession session = entering.Result;
        ValueTask work;
        bool endSession = true;
        try
        {
            work = body(state);
            if (!work.IsCompleted)
            {
                endSession = false;
                return EndWhenDone(work, session);
            }
        }
        finally
        {
            if (endSession)
            {
                session.Dispose();
            }
        }

        return work;

        static async ValueTask AfterProtection(ValueTask<CriticalSession> entering, TState state, Func<TState, ValueTask> body)
        {
            CriticalSession session = await entering.ConfigureAwait(false);
            try
            {
                await body(state).ConfigureAwait(false);
            }
            finally
            {
                session.Dispose();
            }
        }

        static async ValueTask EndWhenDone(ValueTask work, CriticalSession session)
        {
            try
            {
                await work.ConfigureAwait(false);
            }
            finally
            {
                session.Dispose();
            }
        }
    }

    /// <summary>Runs a <see cref="ValueTask{TResult}"/>-returning implementation in a session.</summary>
    /// <typeparam name="TState">The one argument, or a value tuple of the arguments where there are none or more than six.</typeparam>
    /// <typeparam name="TResult">The implementation's result.</typeparam>
    /// <param name="registry">The registry to enter.</param>
    /// <param name="name">The session's name.</param>
    /// <param name="state">The argument or arguments.</param>
    /// <param name="body">Calls the implementation with the arguments.</param>
    /// <param name="cancellationToken">Cancels the wait for protection.</param>
    /// <returns>The implementation's value task; the session ends when it does.</returns>
    public static ValueTask<TResult> RunValueTaskOfT<TState, TResult>(CriticalSessionRegistry registry, string name, TState state, Func<TState, ValueTask<TResult>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(body);
        ValueTask<CriticalSession> entering = registry.EnterAsync(name, cancellationToken);
        if (!entering.IsCompletedSuccessfully)
        {
            return AfterProtection(entering, state, body);
        }

        CriticalSession session = entering.Result;
        ValueTask<TResult> work;
        bool endSession = true;
        try
        {
            work = body(state);
            if (!work.IsCompleted)
            {
                endSession = false;
                return EndWhenDone(work, session);
            }
        }
        finally
        {
            if (endSession)
            {
                session.Dispose();
            }
        }

        return work;

        static async ValueTask<TResult> AfterProtection(ValueTask<CriticalSession> entering, TState state, Func<TState, ValueTask<TResult>> body)
        {
            CriticalSession session = await entering.ConfigureAwait(false);
            try
            {
                return await body(state).ConfigureAwait(false);
            }
            finally
            {
                session.Dispose();
            }
        }

        static async ValueTask<TResult> EndWhenDone(ValueTask<TResult> work, CriticalSession session)
        {
            try
            {
                return await work.ConfigureAwait(false);
            }
            finally
            {
                session.Dispose();
            }
        }
    }
}
