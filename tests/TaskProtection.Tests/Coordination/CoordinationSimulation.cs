using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;
using TaskProtection.Tests.Simulation;

namespace TaskProtection.Tests.Coordination;

/// <summary>What one coordinated scenario showed.</summary>
/// <param name="Violations">Moments a live process's session body ran while the agent held no protection and that process had not been told.</param>
/// <param name="SessionsRun">Session bodies that ran, in all processes.</param>
/// <param name="AgentCalls">Calls the agent received.</param>
/// <param name="SkippedReleases">Releases not sent because another process held sessions.</param>
/// <param name="SharedRenewals">Acquires and renewals not sent because the shared lease covered them.</param>
/// <param name="UnprotectedRunning">Time live session bodies ran unprotected, every moment of it after being told.</param>
public sealed record CoordinationResult(IReadOnlyList<string> Violations, int SessionsRun, int AgentCalls, long SkippedReleases, long SharedRenewals, TimeSpan UnprotectedRunning);

/// <summary>
/// Runs 2 to 5 real managers, each with its own registry, against one protection model and one coordination board on
/// one simulated clock, through a <see cref="CoordinationScenario"/>. The invariant, judged by the model's record: no
/// session body of a live process runs while the task is unprotected unless that process was told first; at the end
/// the task is released; with no faults, within ReleaseDelay plus two calls (one in flight, then the release) after the task's last session.
/// </summary>
public static class CoordinationSimulation
{
    private static readonly TimeSpan StopHopBound = TimeSpan.FromSeconds(20);

    public static CoordinationResult Run(CoordinationScenario scenario)
    {
        TaskProtectionOptions options = scenario.ToOptions();
        var random = new Random(scenario.Seed);
        var task = new CoordinatedTask(
            scenario.Processes.Count,
            _ => options,
            i => scenario.Processes[i].Late ? _ => options.SchedulingTolerance * random.NextDouble() : null);
        task.Model.FaultPolicy = _ => TellingSimulation.NextFault(random, scenario.Faults, options);
        ApplicationView[] views = [.. task.Processes.Select(WatchedBy)];
        var runs = new List<(int Process, SessionRun Run)>();
        try
        {
            foreach ((TimeSpan at, Action act) in Timeline(scenario, task, runs))
            {
                task.AdvanceTo(at);
                act();
                task[0].Pump();
            }
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"{ex.Message} {Describe(task)}", ex);
        }

        DateTimeOffset lastEnd = runs.Select(r => r.Run.EndedAt).Max() ?? task.Clock.GetUtcNow();
        task.Advance(options.AcquireTimeout + options.LeaseDuration + options.MaxProtectionCooldown + GapBudget.LateLandingWindow + options.RequestTimeout);
        CoordinationResult result = Check(scenario, task, views, runs, options, lastEnd);
        Task.Run(() => task.DisposeAsync().AsTask()).GetAwaiter().GetResult();
        return result;
    }

    /// <summary>
    /// SIGTERM without the host: the manager stops at once. Its stop hops through the thread pool (the cancellation's
    /// callbacks, the loop's end) before it tells running sessions; a real process takes microseconds for that, so wait
    /// for it in real time, pumping, rather than let simulated minutes pass meanwhile. The wait is for thread-pool hops,
    /// not for timers, and bounded: a busy pool on a 2-core CI machine can take a while to lend a thread.
    /// </summary>
    private static void Stop(Harness process)
    {
        Task stop = process.Manager.StopAsync();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!stop.IsCompleted && waited.Elapsed < StopHopBound)
        {
            process.Pump();
            if (process.Manager.LoopTask is { IsCompleted: true } && (process.Manager.ProtectionLostToken.IsCancellationRequested || process.Registry.ActiveCount == 0 || process.Manager.Mode == ProtectionMode.Stopped))
            {
                return;
            }

            Thread.Yield();
        }

        if (!stop.IsCompleted && waited.Elapsed >= StopHopBound)
        {
            throw new TimeoutException($"The stop did not reach its release within {StopHopBound} of real time: loop {process.Manager.LoopTask?.Status}.");
        }
    }

    private static ApplicationView WatchedBy(Harness process)
    {
        var view = new ApplicationView(process);
        process.Manager.ProtectionLost += (_, _) => view.OnProtectionLost();
        return view;
    }

    private static IEnumerable<(TimeSpan At, Action Act)> Timeline(CoordinationScenario scenario, CoordinatedTask task, List<(int, SessionRun)> runs)
    {
        var events = new List<(TimeSpan At, int Order, Action Act)>();
        for (int p = 0; p < scenario.Processes.Count; p++)
        {
            ProcessPlan plan = scenario.Processes[p];
            Harness process = task[p];
            int index = p;
            TimeSpan end = plan.Fate == ProcessFate.Runs ? TimeSpan.MaxValue : plan.FateAt;
            foreach (TellingSession session in plan.Sessions.Where(s => s.Start < end))
            {
                var run = new SessionRun(session.Entry);
                runs.Add((p, run));
                events.Add((session.Start, 1, () => run.Enter(process, $"p{index}")));
                if (session.Start + session.Length < end)
                {
                    events.Add((session.Start + session.Length, 0, () => run.Exit(process)));
                }
            }

            if (plan.Fate == ProcessFate.Killed)
            {
                events.Add((plan.FateAt, 2, () => task.Kill(index)));
            }
            else if (plan.Fate == ProcessFate.Stopped)
            {
                events.Add((plan.FateAt, 2, () => Stop(process)));
            }
        }

        if (scenario.ForceDisableAt is { } forceAt)
        {
            events.Add((forceAt, 3, () => _ = task[0].Manager.ForceDisableProtectionAsync("injected: operator")));
        }

        return events.OrderBy(e => e.At).ThenBy(e => e.Order).Select(e => (e.At, e.Act));
    }

    private static CoordinationResult Check(
        CoordinationScenario scenario, CoordinatedTask task, ApplicationView[] views, List<(int Process, SessionRun Run)> runs, TaskProtectionOptions options, DateTimeOffset lastEnd)
    {
        var violations = new List<string>();
        DateTimeOffset start = task[0].Start;
        IReadOnlyList<UnprotectedInterval> gaps = task.Model.UnprotectedIntervals(start);
        TimeSpan unprotectedRunning = TimeSpan.Zero;
        foreach ((int p, SessionRun run) in runs)
        {
            ProcessPlan plan = scenario.Processes[p];
            DateTimeOffset? diedAt = plan.Fate == ProcessFate.Killed ? start + plan.FateAt : null;
            if (run.BodyFrom(views[p], options.AcquireTimeout) is not { } from)
            {
                continue;
            }

            DateTimeOffset to = run.EndedAt ?? diedAt ?? task.Clock.GetUtcNow();
            if (from >= to)
            {
                continue; // A synchronous session that ended before it had to be covered.
            }

            foreach (UnprotectedInterval gap in gaps.Where(g => g.From < to && g.To > from))
            {
                DateTimeOffset gapStart = gap.From > from ? gap.From : from;
                DateTimeOffset gapEnd = gap.To < to ? gap.To : to;
                unprotectedRunning += gapEnd - gapStart;
                if (!views[p].ToldThroughout(gapStart, gapEnd))
                {
                    violations.Add($"process {p} ran a session [{from - start}, {to - start}) untold while unprotected [{gapStart - start}, {gapEnd - start}); told: {views[p].Describe(start)}");
                }
            }
        }

        if (task.Model.IsProtected)
        {
            violations.Add("the task was left protected at the end");
        }

        CheckTimelyRelease(scenario, task, options, lastEnd, violations);
        CheckSharedCap(scenario, gaps, options, start, violations);
        if (violations.Count > 0)
        {
            violations.Add(Describe(task));
        }
        CoordinationStatus[] statuses = [.. task.Processes.Select(static p => p.Manager.GetStatus().Coordination!)];
        return new CoordinationResult(
            violations,
            runs.Count(r => r.Run.BodyFrom(views[r.Process], options.AcquireTimeout) is not null),
            task.Model.Calls.Count,
            statuses.Sum(static s => s.ReleasesSkipped),
            statuses.Sum(static s => s.SharedRenewals),
            unprotectedRunning);
    }

    /// <summary>
    /// The cap is the task's: no stretch of continuous protection, whichever processes renewed it, outlasts
    /// MaxProtectionDuration by more than the last enable's rounding up to whole minutes and the time it may take to land.
    /// </summary>
    private static void CheckSharedCap(CoordinationScenario scenario, IReadOnlyList<UnprotectedInterval> gaps, TaskProtectionOptions options, DateTimeOffset start, List<string> violations)
    {
        if (scenario.CapLeases == 0)
        {
            return;
        }

        TimeSpan bound = options.MaxProtectionDuration + TimeSpan.FromMinutes(1) + options.RequestTimeout + GapBudget.LateLandingWindow + options.SchedulingTolerance;
        for (int i = 0; i + 1 < gaps.Count; i++)
        {
            DateTimeOffset from = gaps[i].To;
            DateTimeOffset to = gaps[i + 1].From;
            if (to - from > bound)
            {
                violations.Add($"the task was protected without a break [{from - start}, {to - start}), {to - from}, beyond its cap of {options.MaxProtectionDuration} (bound {bound})");
            }
        }
    }

    /// <summary>The agent's last calls and every process's status, for a failure's message.</summary>
    private static string Describe(CoordinatedTask task)
    {
        DateTimeOffset start = task[0].Start;
        IEnumerable<string> calls = task.Model.Calls.TakeLast(12).Select(c => $"{c.ReceivedAt - start} {c.Body} {c.Fault} {(int)c.StatusCode}");
        IEnumerable<string> statuses = task.Processes.Select(p => p.Manager.GetStatus()).Select(s =>
            $"{s.Mode} active={s.ActiveSessionCount} expires={s.ExpiresAt - start} error={s.LastError} holder={s.Coordination?.IsHolder} others={s.Coordination?.OthersHold} shared={s.Coordination?.SharedExpiresAt - start}");
        return $"last calls: {string.Join(", ", calls)}; processes: {string.Join(" | ", statuses)}; shared state: {task.State}";
    }

    /// <summary>
    /// With no faults, kills or stops, the task is released within ReleaseDelay plus two calls after its last session:
    /// a renewal may be in flight when the delay runs out, and the release is sent only after it answers (sending it
    /// alongside could let the enable land last and leave the task protected).
    /// </summary>
    private static void CheckTimelyRelease(CoordinationScenario scenario, CoordinatedTask task, TaskProtectionOptions options, DateTimeOffset lastEnd, List<string> violations)
    {
        if (!scenario.FaultFree || scenario.Processes.Any(static p => p.Fate != ProcessFate.Runs))
        {
            return;
        }

        AgentCall? release = task.Model.Calls.LastOrDefault(static c => c.Method == "PUT" && c.Body.Contains("false", StringComparison.Ordinal));
        TimeSpan bound = options.ReleaseDelay + options.SchedulingTolerance + GapBudget.TimerResolution + (2 * options.RequestTimeout);
        if (release is null || release.ReceivedAt < lastEnd || release.ReceivedAt - lastEnd > bound)
        {
            violations.Add($"the task was released {release?.ReceivedAt - lastEnd} after its last session ended, not within {bound}");
        }
    }
}
