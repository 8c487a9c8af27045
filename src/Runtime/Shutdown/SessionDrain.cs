namespace TaskProtection;

/// <summary>
/// The shutdown side of a manager: requesting shutdown (token, refusal of new sessions) and waiting, bounded, for
/// the active sessions to end while the loop keeps protection renewed.
/// </summary>
internal sealed class SessionDrain(ManagerContext context)
{
    private int _shutdownRequested;
    private long _abandonedSessions;
    private TaskCompletionSource? _idle;

    public long AbandonedSessions => Volatile.Read(ref _abandonedSessions);

    public void RequestShutdown()
    {
        if (Interlocked.Exchange(ref _shutdownRequested, 1) != 0)
        {
            return;
        }

        IReadOnlyList<ActiveSessionInfo> sessions = context.Registry.GetActiveSessions();
        Log.ShutdownRequested(context.Logger, sessions.Count, context.Options.DrainTimeout, SessionText.Describe(sessions));
        AggregateException? callbackErrors = context.Registry.BeginShutdown(context.Options.RefuseSessionsDuringShutdown);
        if (callbackErrors is not null)
        {
            Log.ShutdownCallbacksFailed(context.Logger, callbackErrors);
        }

        context.Wake.Request();

        // Sessions still waiting for protection look again, and hear that they are refused.
        context.Gate.Pulse();
    }

    /// <summary>Called on every 0→1 and 1→0 change of the active count.</summary>
    public void OnActivityChanged()
    {
        if (context.Registry.ActiveCount == 0)
        {
            Volatile.Read(ref _idle)?.TrySetResult();
        }
    }

    public async Task<DrainResult> DrainAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        RequestShutdown();
        ManagerClock clock = context.Clock;
        long started = clock.Now;
        bool cutShort = await WaitForIdleAsync(timeout, started, cancellationToken).ConfigureAwait(false);
        TimeSpan elapsed = clock.ToSpan(clock.Now - started);
        IReadOnlyList<ActiveSessionInfo> abandoned = context.Registry.GetActiveSessions();
        if (abandoned.Count == 0)
        {
            Log.Drained(context.Logger, elapsed);
            return new DrainResult { Drained = true, Elapsed = elapsed, Abandoned = [] };
        }

        Log.DrainGaveUp(context.Logger, abandoned.Count, elapsed, cutShort ? "it was cut short (a second stop signal, or the host's shutdown timeout)" : "DrainTimeout passed");
        foreach (ActiveSessionInfo session in abandoned)
        {
            Log.SessionAbandoned(context.Logger, session.Name, session.Id, session.Age);
        }

        Interlocked.Add(ref _abandonedSessions, abandoned.Count);
        context.Metrics.Abandoned(abandoned.Count);
        return new DrainResult { Drained = false, Elapsed = elapsed, Abandoned = abandoned };
    }

    /// <summary>Waits until no session is active or the bound passes; true when cut short by <paramref name="cancellationToken"/>.</summary>
    private async Task<bool> WaitForIdleAsync(TimeSpan timeout, long started, CancellationToken cancellationToken)
    {
        ManagerClock clock = context.Clock;
        try
        {
            while (context.Registry.ActiveCount > 0)
            {
                // Publish the signal before reading the count, with a full fence (a store followed by a load may
                // otherwise be reordered): a session ending after the read completes it.
                var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Interlocked.Exchange(ref _idle, idle);
                TimeSpan left = timeout - clock.ToSpan(clock.Now - started);
                if (context.Registry.ActiveCount == 0 || left <= TimeSpan.Zero)
                {
                    return false;
                }

                try
                {
                    await idle.Task.WaitAsync(clock.WholeMillisecondsUp(clock.ToTicks(left)), clock.Provider, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    return false;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return true;
                }
            }

            return false;
        }
        finally
        {
            Volatile.Write(ref _idle, null);
        }
    }
}
