using Microsoft.Extensions.Logging;

namespace TaskProtection;

/// <summary>
/// The shutdown side of a manager: requesting shutdown (token, refusal of new sessions) and waiting, bounded, for
/// the active sessions to end while the loop keeps protection renewed.
/// </summary>
internal sealed class SessionDrain(
    TaskProtectionOptions options,
    ManagerClock clock,
    CriticalSessionRegistry registry,
    CoverageGate gate,
    LoopWake wake,
    TaskProtectionMetrics metrics,
    ILogger logger)
{
    private int _shutdownRequested;

    // Whether the shutdown found sessions to wait for: "drained" means something only then.
    private bool _sessionsAtShutdown;
    private long _abandonedSessions;
    private TaskCompletionSource? _idle;

    public long AbandonedSessions => Volatile.Read(ref _abandonedSessions);

    public void RequestShutdown()
    {
        if (Interlocked.Exchange(ref _shutdownRequested, 1) != 0)
        {
            return;
        }

        IReadOnlyList<ActiveSessionInfo> sessions = registry.GetActiveSessions();
        Volatile.Write(ref _sessionsAtShutdown, sessions.Count > 0);
        if (sessions.Count == 0)
        {
            Log.ShutdownRequestedIdle(logger);
        }
        else
        {
            Log.ShutdownRequested(logger, sessions.Count, options.DrainTimeout, SessionText.Describe(sessions));
        }

        AggregateException? callbackErrors = registry.BeginShutdown(options.RefuseSessionsDuringShutdown);
        if (callbackErrors is not null)
        {
            Log.ShutdownCallbacksFailed(logger, callbackErrors);
        }

        wake.Request();

        // Sessions still waiting for protection look again, and hear that they are refused.
        gate.Pulse();
    }

    /// <summary>Called on every 0→1 and 1→0 change of the active count.</summary>
    public void OnActivityChanged()
    {
        if (registry.ActiveCount == 0)
        {
            Volatile.Read(ref _idle)?.TrySetResult();
        }
    }

    public async Task<DrainResult> DrainAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        RequestShutdown();
        if (registry.ActiveCount > 0)
        {
            // Entered since the request (a shutdown that does not refuse sessions): the drain waits for them too.
            Volatile.Write(ref _sessionsAtShutdown, true);
        }

        long started = clock.Now;
        bool cutShort = await WaitForIdleAsync(timeout, started, cancellationToken).ConfigureAwait(false);
        TimeSpan elapsed = clock.ToSpan(clock.Now - started);
        IReadOnlyList<ActiveSessionInfo> abandoned = registry.GetActiveSessions();
        if (abandoned.Count == 0)
        {
            if (Volatile.Read(ref _sessionsAtShutdown))
            {
                Log.Drained(logger, elapsed);
            }

            return new DrainResult { Drained = true, Elapsed = elapsed, Abandoned = [] };
        }

        Log.DrainGaveUp(logger, abandoned.Count, elapsed, cutShort ? "it was cut short (a second stop signal, or the host's shutdown timeout)" : "DrainTimeout passed");
        foreach (ActiveSessionInfo session in abandoned)
        {
            Log.SessionAbandoned(logger, session.Name, session.Id, session.Age);
        }

        Interlocked.Add(ref _abandonedSessions, abandoned.Count);
        metrics.Abandoned(abandoned.Count);
        return new DrainResult { Drained = false, Elapsed = elapsed, Abandoned = abandoned };
    }

    /// <summary>Waits until no session is active or the bound passes; true when cut short by <paramref name="cancellationToken"/>.</summary>
    private async Task<bool> WaitForIdleAsync(TimeSpan timeout, long started, CancellationToken cancellationToken)
    {
        try
        {
            while (registry.ActiveCount > 0)
            {
                // Publish the signal before reading the count, with a full fence (a store followed by a load may
                // otherwise be reordered): a session ending after the read completes it.
                var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Interlocked.Exchange(ref _idle, idle);
                TimeSpan left = timeout - clock.ToSpan(clock.Now - started);
                if (registry.ActiveCount == 0 || left <= TimeSpan.Zero)
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
