using CsCheck;
using TaskProtection.Tests.Infrastructure;
using TaskProtection.Tests.Simulation;
using Xunit.Abstractions;

namespace TaskProtection.Tests.Coordination;

/// <summary>The invariant for several processes of one task, over random scenarios with faults, kills and stops.</summary>
public sealed class CoordinationInvariantTests(ITestOutputHelper output)
{
    /// <summary>Scenarios per run: 300 in CI; TASKPROTECTION_COORDINATION_SCENARIOS raises it for a soak.</summary>
    private static readonly int Scenarios = Soak.Scenarios("TASKPROTECTION_COORDINATION_SCENARIOS", 300);

    [Fact]
    public void No_live_process_runs_a_session_unprotected_untold_and_the_task_is_released()
    {
        long runs = 0, calls = 0, skipped = 0, shared = 0;
        TimeSpan unprotected = TimeSpan.Zero;
        int processes = 0, killed = 0, stopped = 0;
        CoordinationScenario.Generator.Sample(
            scenario =>
            {
                CoordinationResult result = CoordinationSimulation.Run(scenario);
                if (result.Violations.Count > 0)
                {
                    throw new InvalidOperationException($"{Describe(scenario)}: {string.Join("; ", result.Violations)}");
                }

                runs += result.SessionsRun;
                calls += result.AgentCalls;
                skipped += result.SkippedReleases;
                shared += result.SharedRenewals;
                unprotected += result.UnprotectedRunning;
                processes += scenario.Processes.Count;
                killed += scenario.Processes.Count(static p => p.Fate == ProcessFate.Killed);
                stopped += scenario.Processes.Count(static p => p.Fate == ProcessFate.Stopped);
                return true;
            },
            iter: Scenarios,
            threads: 1);
        output.WriteLine(
            $"{Scenarios} scenarios, {processes} processes ({killed} killed, {stopped} stopped): {runs} session bodies ran; {calls} agent calls; " +
            $"{skipped} releases skipped for another holder, {shared} acquires and renewals covered by another process's lease; " +
            $"{unprotected.TotalHours:F1} h of work ran unprotected, every moment of it after being told. 0 violations.");
        Assert.True(skipped > 0 && shared > 0, "Coordination never came into play: the scenarios test nothing.");
    }

    private static string Describe(CoordinationScenario s) =>
        $"seed {s.Seed}, {s.Config}, cap {s.CapLeases}, {s.Behavior}, force {s.ForceDisableAt}, faults {s.Faults}, processes: " +
        string.Join(" | ", s.Processes.Select(p => $"{p.Fate}@{p.FateAt} late={p.Late} [{string.Join(", ", p.Sessions.Select(x => $"{x.Start}+{x.Length} {x.Entry}"))}]"));
}
