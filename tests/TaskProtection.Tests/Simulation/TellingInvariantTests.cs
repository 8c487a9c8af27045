using CsCheck;
using Xunit.Abstractions;

namespace TaskProtection.Tests.Simulation;

/// <summary>
/// The invariant, beyond the gap budget: whatever fails, however long the work, whoever intervenes, no session body runs
/// while ECS holds no protection unless the application was told first or the session was refused.
/// </summary>
public sealed class TellingInvariantTests(ITestOutputHelper output)
{
    [Fact]
    public void No_session_runs_unprotected_without_the_application_being_told_first()
    {
        long runs = 0, refused = 0, signals = 0, restores = 0, lapses = 0, faults = 0;
        TimeSpan unprotected = TimeSpan.Zero;
        int capped = 0;
        TellingScenario.Generator.Sample(
            scenario =>
            {
                TellingResult result = TellingSimulation.Run(scenario);
                if (result.Violations.Count > 0)
                {
                    throw new InvalidOperationException($"{scenario}: {string.Join("; ", result.Violations)}");
                }

                runs += result.SessionsRun;
                refused += result.Refused;
                signals += result.Signals;
                restores += result.Restores;
                lapses += result.Status.Lapses;
                faults += result.Status.LoopFaults;
                unprotected += result.UnprotectedRunning;
                capped += scenario.CapLeases > 0 ? 1 : 0;
                return true;
            },
            iter: GapInvariantTests.Scenarios,
            threads: 1);
        output.WriteLine(
            $"{GapInvariantTests.Scenarios} scenarios ({capped} with a cap of 1 to 8 leases): {runs} session bodies ran, {refused} sessions refused; " +
            $"the application was told {signals} times (and given a fresh token {restores} times); {lapses} lapses, {faults} loop faults survived; " +
            $"{unprotected.TotalHours:F1} h of work ran unprotected, every moment of it after being told. 0 violations.");
        Assert.True(runs > GapInvariantTests.Scenarios, "Too few sessions ran for the property to mean anything.");
        Assert.True(unprotected > TimeSpan.Zero, "No work ever ran unprotected: the faults never bit, so nothing was tested.");
    }
}
