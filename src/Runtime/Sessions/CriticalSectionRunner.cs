using System.ComponentModel;

namespace TaskProtection;

/// <summary>
/// The shared body of the generated wrappers of awaitable critical sections, so that each wrapper is one call: enter
/// the registry (waiting for protection when it is not yet confirmed), run the implementation, end the session when
/// its task ends. When protection already covers the session and the work completes synchronously, nothing is
/// allocated: the arguments are passed by value (one by one up to six, as a value tuple beyond) and the body is a static
/// method, whose delegate the compiler caches.
/// Called by generated code; not meant to be called by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class CriticalSectionRunner
{
    /// <summary>Runs a <see cref="Task"/>-returning implementation in a session.</summary>
    /// <typeparam name="TState">The one argument, or a value tuple of the arguments where there are none or more than six.</typeparam>
    /// <param name="registry">The registry to enter.</param>
    /// <param name="name">The session's name.</param>
    /// <param name="state">The argument or arguments.</param>
    /// <param name="body">Calls the implementation with the arguments.</param>
    /// <param name="cancellationToken">Cancels the wait for protection.</param>
    /// <returns>The implementation's task; the session ends when it does.</returns>
    public static Task RunTask<TState>(CriticalSessionRegistry registry, string name, TState state, Func<TState, Task> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(body);
        ValueTask<CriticalSession> entering = registry.EnterAsync(name, cancellationToken);
        if (!entering.IsCompletedSuccessfully)
        {
            return AfterProtection(entering, state, body);
        }

        CriticalSession session = entering.Result;
        Task work;
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

        static async Task AfterProtection(ValueTask<CriticalSession> entering, TState state, Func<TState, Task> body)
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

        static async Task EndWhenDone(Task work, CriticalSession session)
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

    /// <summary>Runs a <see cref="Task{TResult}"/>-returning implementation in a session.</summary>
    /// <typeparam name="TState">The one argument, or a value tuple of the arguments where there are none or more than six.</typeparam>
    /// <typeparam name="TResult">The implementation's result.</typeparam>
    /// <param name="registry">The registry to enter.</param>
    /// <param name="name">The session's name.</param>
    /// <param name="state">The argument or arguments.</param>
    /// <param name="body">Calls the implementation with the arguments.</param>
    /// <param name="cancellationToken">Cancels the wait for protection.</param>
    /// <returns>The implementation's task; the session ends when it does.</returns>
    public static Task<TResult> RunTaskOfT<TState, TResult>(CriticalSessionRegistry registry, string name, TState state, Func<TState, Task<TResult>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(body);
        ValueTask<CriticalSession> entering = registry.EnterAsync(name, cancellationToken);
        if (!entering.IsCompletedSuccessfully)
        {
            return AfterProtection(entering, state, body);
        }

        CriticalSession session = entering.Result;
        Task<TResult> work;
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

        static async Task<TResult> AfterProtection(ValueTask<CriticalSession> entering, TState state, Func<TState, Task<TResult>> body)
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

        static async Task<TResult> EndWhenDone(Task<TResult> work, CriticalSession session)
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
