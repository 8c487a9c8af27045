using CsCheck;
using TaskProtection.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TaskProtection.Tests.Simulation;

/// <summary>The invariant once more with Backend = EcsApi: the real API client, its latency and the API's faults.</summary>
public sealed class ApiBackendInvariantTests(ITestOutputHelper output)
{
    /// <summary>Scenarios per run: 300 in CI; TASKPROTECTION_API_SCENARIOS raises it for a soak.</summary>
    private static readonly int Scenarios = Soak.Scenarios("TASKPROTECTION_API_SCENARIOS", 300);

    [Fact]
    public void No_session_runs_unprotected_untold_through_the_ECS_API_either()
    {
        long runs = 0, refused = 0, signals = 0, lapses = 0;
        TimeSpan unprotected = TimeSpan.Zero;
        TellingScenario.Generator.Sample(
            scenario =>
            {
                TellingResult result = TellingSimulation.Run(scenario, ProtectionBackend.EcsApi);
                if (result.Violations.Count > 0)
                {
                    throw new InvalidOperationException($"{scenario}: {string.Join("; ", result.Violations)}");
                }

                runs += result.SessionsRun;
                refused += result.Refused;
                signals += result.Signals;
                lapses += result.Status.Lapses;
                unprotected += result.UnprotectedRunning;
                return true;
            },
            iter: Scenarios,
            threads: 1);
        output.WriteLine(
            $"{Scenarios} scenarios through the ECS API: {runs} session bodies ran, {refused} refused; told {signals} times; {lapses} lapses; " +
            $"{unprotected.TotalHours:F1} h of work ran unprotected, every moment of it after being told. 0 violations.");
        Assert.True(runs > Scenarios, "Too few sessions ran for the property to mean anything.");
        Assert.True(unprotected > TimeSpan.Zero, "No work ever ran unprotected: the faults never bit, so nothing was tested.");
    }
}
