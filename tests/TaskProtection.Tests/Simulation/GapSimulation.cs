using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Simulation;

/// <summary>A configuration to simulate; durations in whole 100 ms so that a failed inequality fails by at least 100 ms.</summary>
public sealed record SimConfig(
    int CheckTenths,
    int ExtensionTenths,
    int BufferTenths,
    int TimeoutTenths,
    int RetryBaseTenths,
    int RetryMaxTenths,
    int ToleranceTenths,
    int ReleaseDelayTenths)
{
    public TaskProtectionOptions ToOptions(int minimumToleratedFailures = 0) => new()
    {
        CheckInterval = Tenths(CheckTenths),
        ExtensionInterval = Tenths(ExtensionTenths),
        ProtectionBuffer = Tenths(BufferTenths),
        RequestTimeout = Tenths(TimeoutTenths),
        RetryBaseDelay = Tenths(RetryBaseTenths),
        RetryMaxDelay = Tenths(RetryMaxTenths),
        SchedulingTolerance = Tenths(ToleranceTenths),
        ReleaseDelay = Tenths(ReleaseDelayTenths),
        MaxProtectionDuration = TimeSpan.FromDays(3),
        AcquireTimeout = TimeSpan.FromMinutes(10),
        AcquireTimeoutBehavior = AcquireTimeoutBehavior.Throw,
        MinimumToleratedFailures = minimumToleratedFailures,
    };

    public static TimeSpan Tenths(int tenths) => TimeSpan.FromMilliseconds(100L * tenths);
}

/// <summary>One session of a scenario: enters at <paramref name="Start"/> and ends <paramref name="Length"/> later.</summary>
public sealed record SimSession(TimeSpan Start, TimeSpan Length);

/// <summary>
/// What one simulated scenario showed. <paramref name="Unprotected"/> holds the agent's unprotected stretches since the
/// start (the last one open-ended: <see cref="TimeSpan.MaxValue"/>).
/// </summary>
public sealed record SimResult(IReadOnlyList<string> Gaps, int AgentCalls, long Lapses, int ProtectedSessions, IReadOnlyList<Stretch> Unprotected);

/// <summary>A stretch of simulated time, since the simulation's start.</summary>
public readonly record struct Stretch(TimeSpan From, TimeSpan To)
{
    public TimeSpan Length => To - From;

    /// <summary>The agent's unprotected stretches since <paramref name="start"/>; an open end becomes <see cref="TimeSpan.MaxValue"/>.</summary>
    public static Stretch[] Unprotected(ProtectionModel model, DateTimeOffset start) =>
        model.UnprotectedIntervals(start)
            .Select(u => new Stretch(u.From - start, u.To == DateTimeOffset.MaxValue ? TimeSpan.MaxValue : u.To - start))
            .ToArray();
}

/// <summary>
/// Runs the real manager against the protection model on a simulated clock and checks the gap invariant: at every
/// instant a session is active after its EnterAsync returned, the model's server-side expiry is in the future.
/// </summary>
public static class GapSimulation
{
    public static SimResult Run(
        TaskProtectionOptions options,
        IReadOnlyList<SimSession> sessions,
        Func<AgentCallContext, AgentFault?> faults,
        Func<DateTimeOffset, TimeSpan> lateness,
        Func<double> jitter,
        bool validate = true,
        Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        var h = new Harness(options, lateness, jitter, validate: validate, logger: logger);
        h.Model.FaultPolicy = faults;

        var events = new List<(TimeSpan At, int Index, bool Enter)>();
        for (int i = 0; i < sessions.Count; i++)
        {
            events.Add((sessions[i].Start, i, true));
            events.Add((sessions[i].Start + sessions[i].Length, i, false));
        }

        events.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Enter.CompareTo(b.Enter));
        var entering = new Task<CriticalSession>?[sessions.Count];
        var coveredFrom = new DateTimeOffset?[sessions.Count];
        var coveredTo = new DateTimeOffset?[sessions.Count];
        foreach ((TimeSpan at, int index, bool enter) in events)
        {
            h.AdvanceTo(at);
            if (enter)
            {
                int i = index;
                entering[i] = h.Registry.EnterAsync($"job-{i}").AsTask();
                entering[i]!.ContinueWith(
                    t =>
                    {
                        if (t.IsCompletedSuccessfully)
                        {
                            coveredFrom[i] = h.Clock.GetUtcNow();
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
                h.Pump();
            }
            else
            {
                Task<CriticalSession> task = entering[index]!;
                if (task.IsCompletedSuccessfully)
                {
                    coveredTo[index] = h.Clock.GetUtcNow();
                    task.Result.Dispose();
                    h.Pump();
                }
                else
                {
                    // Never covered: its EnterAsync had not returned; cancel the wait by letting it time out.
                    coveredFrom[index] = null;
                }
            }
        }

        h.AdvanceTo(h.Elapsed + options.AcquireTimeout + options.LeaseDuration);
        var gaps = new List<string>();
        IReadOnlyList<UnprotectedInterval> unprotected = h.Model.UnprotectedIntervals(h.Start);
        int protectedSessions = 0;
        for (int i = 0; i < sessions.Count; i++)
        {
            if (coveredFrom[i] is not { } from || coveredTo[i] is not { } to || from >= to)
            {
                continue;
            }

            protectedSessions++;
            foreach (UnprotectedInterval gap in unprotected)
            {
                if (gap.From < to && from < gap.To)
                {
                    gaps.Add($"session {i} covered [{from - h.Start}, {to - h.Start}) but unprotected [{gap.From - h.Start}, {(gap.To == DateTimeOffset.MaxValue ? "∞" : (gap.To - h.Start).ToString())})");
                }
            }
        }

        h.ThrowIfLoopFaulted();
        SimResult result = new(gaps, h.Model.Calls.Count, h.Manager.GetStatus().Lapses, protectedSessions, Stretch.Unprotected(h.Model, h.Start));
        // Off xunit's synchronization context: disposing yields while it pumps.
        Task.Run(() => h.DisposeAsync().AsTask()).GetAwaiter().GetResult();
        return result;
    }
}
