using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Simulation;

/// <summary>One session as the simulation drives it.</summary>
internal sealed class SessionRun(EntryKind entry)
{
    private Task<CriticalSession>? _entering;
    private CriticalSession _session;

    public EntryKind Entry => entry;

    public DateTimeOffset? EnteredAt { get; private set; }

    /// <summary>When EnterAsync returned the session (async only).</summary>
    public DateTimeOffset? ReturnedAt { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    public bool Refused { get; private set; }

    public void Enter(Harness h, string name)
    {
        EnteredAt = h.Clock.GetUtcNow();
        if (entry == EntryKind.Sync)
        {
            try
            {
                _session = h.Registry.Enter(name);
            }
            catch (CriticalSessionRefusedException)
            {
                // Refused outright (the task drains before its cap, or is shutting down): its body never starts.
                Refused = true;
            }

            return;
        }

        _entering = h.Registry.EnterAsync(name).AsTask();
        _entering.ContinueWith(
            t =>
            {
                if (t.IsCompletedSuccessfully)
                {
                    ReturnedAt = h.Clock.GetUtcNow();
                }
                else
                {
                    Refused = true;
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    public void Exit(Harness h)
    {
        if (entry == EntryKind.Sync && !Refused)
        {
            EndedAt = h.Clock.GetUtcNow();
            _session.Dispose();
        }
        else if (_entering is { IsCompletedSuccessfully: true } entered)
        {
            EndedAt = h.Clock.GetUtcNow();
            entered.Result.Dispose();
        }
        else if (_entering is { IsCompleted: false } waiting)
        {
            // Its time is up before the session was granted: the body runs for no time once it is, as an
            // application's would that awaited EnterAsync and found its deadline passed.
            waiting.ContinueWith(
                t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        EndedAt = h.Clock.GetUtcNow();
                        t.Result.Dispose();
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    /// <summary>From when the application owes this body protection or word of its absence.</summary>
    public DateTimeOffset? BodyFrom(ApplicationView watch, TimeSpan acquireTimeout)
    {
        if (entry == EntryKind.Async)
        {
            return ReturnedAt;
        }

        if (Refused)
        {
            return null; // Refused outright (the drain, the cool-down, a stop): its body never ran.
        }

        DateTimeOffset entered = EnteredAt!.Value;
        DateTimeOffset? covered = watch.FirstCoveredAtOrAfter(entered);
        DateTimeOffset timedOut = entered + acquireTimeout;
        return covered is { } c && c < timedOut ? c : timedOut;
    }
}
