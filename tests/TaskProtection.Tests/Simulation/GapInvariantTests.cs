using CsCheck;
using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TaskProtection.Tests.Simulation;

/// <summary>The gap invariant over random configurations, sessions, latencies, timer lateness and fault sequences.</summary>
public sealed class GapInvariantTests(ITestOutputHelper output)
{
    /// <summary>Scenarios per run: 2,000 in CI; TASKPROTECTION_SCENARIOS raises it for a longer soak.</summary>
    public static readonly int Scenarios = Soak.Scenarios("TASKPROTECTION_SCENARIOS", 2000);

    private static readonly AgentFaultKind[] RetryableFaults =
    [
        AgentFaultKind.TooManyRequests, AgentFaultKind.ServerError, AgentFaultKind.GatewayTimeout, AgentFaultKind.Throttling,
        AgentFaultKind.DropConnection, AgentFaultKind.NoResponse, AgentFaultKind.Blackhole, AgentFaultKind.NotJson,
    ];

    /// <summary>The per-call settings both properties draw from, so the invariant and its converse cover the same space.</summary>
    private static readonly Gen<(int Timeout, int RetryBase, int RetryMax, int Tolerance)> GenCallSettings =
        from timeout in Gen.Int[60, 150]
        from retryBase in Gen.Int[1, 30]
        from retryMax in Gen.Int[1, 200]
        from tolerance in Gen.Int[0, 40]
        select (timeout, retryBase, Math.Max(retryBase, retryMax), tolerance);

    /// <summary>Unconstrained configurations: the validator accepts some and rejects others, for many reasons.</summary>
    private static readonly Gen<SimConfig> GenConfig =
        from call in GenCallSettings
        from buffer in Gen.Int[100, 1800]
        from extension in Gen.Int[300, 3000]
        from check in Gen.Int[10, 1800]
        from releaseDelay in Gen.Int[0, 300]
        select new SimConfig(check, extension, buffer, call.Timeout, call.RetryBase, call.RetryMax, call.Tolerance, releaseDelay);

    /// <summary>
    /// Configurations built to pass: the buffer is exactly what k failures need plus a random slack (often none, so the
    /// boundary itself is tested), and the watchdog period leaves the margin the reference design's rule needs.
    /// </summary>
    internal static readonly Gen<SimConfig> GenAcceptedConfig =
        from call in GenCallSettings
        from failures in Gen.Int[1, 5]
        from slack in Gen.OneOf(Gen.Const(0), Gen.Int[0, 600])
        from extension in Gen.Int[300, 3000]
        from checkFraction in Gen.Double[0, 1]
        from releaseDelay in Gen.Int[0, 300]
        let probe = new SimConfig(1, extension, 1, call.Timeout, call.RetryBase, call.RetryMax, call.Tolerance, releaseDelay).ToOptions()
        let needTenths = (int)Math.Ceiling(GapBudget.WorstCaseTime(probe, failures).TotalMilliseconds / 100)
        let buffer = Math.Max(needTenths, call.Timeout + (2 * call.Tolerance) + 2) + slack
        let checkLimit = buffer - call.Timeout - (2 * call.Tolerance) - 1
        let check = Math.Max(Math.Min(50, checkLimit), (int)(checkLimit * checkFraction))
        select new SimConfig(check, extension, buffer, call.Timeout, call.RetryBase, call.RetryMax, call.Tolerance, releaseDelay);

    private static readonly Gen<List<SimSession>> GenSessions =
        from count in Gen.Int[1, 10]
        from sessions in Gen.Select(Gen.Int[0, 7200], Gen.Int[1, 5400]).Array[count]
        select sessions.Select(s => new SimSession(TimeSpan.FromSeconds(s.Item1), TimeSpan.FromSeconds(s.Item2))).ToList();

    [Fact]
    public void Accepted_configurations_never_leave_an_active_session_unprotected()
    {
        int accepted = 0;
        long calls = 0;
        long protectedSessions = 0;
        Gen.Select(GenAcceptedConfig, GenSessions, Gen.Int[0, 1000], Gen.Int[0, int.MaxValue]).Sample(
            (config, sessions, failPermille, seed) =>
            {
                TaskProtectionOptions options = config.ToOptions();
                if (TaskProtectionOptionsValidator.FindFailures(options).Count > 0)
                {
                    return true;
                }

                accepted++;
                int budget = options.ToleratedConsecutiveFailures;
                var random = new Random(seed);
                int run = 0;
                AgentFault? Faults(AgentCallContext _)
                {
                    TimeSpan max = options.RequestTimeout - TimeSpan.FromMilliseconds(1);
                    if (run < budget && random.Next(1000) < failPermille)
                    {
                        run++;
                        AgentFaultKind kind = RetryableFaults[random.Next(RetryableFaults.Length)];
                        return new AgentFault(kind, max * random.NextDouble());
                    }

                    run = 0;
                    TimeSpan total = max * random.NextDouble();
                    TimeSpan request = total * random.NextDouble();
                    return AgentFault.Latency(request, total - request);
                }

                SimResult result = GapSimulation.Run(
                    options,
                    sessions,
                    Faults,
                    _ => options.SchedulingTolerance * random.NextDouble(),
                    random.NextDouble);
                calls += result.AgentCalls;
                protectedSessions += result.ProtectedSessions;
                if (result.Gaps.Count > 0 || result.Lapses > 0)
                {
                    throw new InvalidOperationException(
                        $"Gap with {config} (tolerates {budget} failures), fail ‰ {failPermille}, seed {seed}: {string.Join("; ", result.Gaps)}; lapses {result.Lapses}");
                }

                return true;
            },
            iter: Scenarios,
            threads: 1);
        output.WriteLine($"{Scenarios} scenarios, {accepted} with accepted configurations: {protectedSessions} protected sessions, {calls} agent calls, 0 gaps.");
        Assert.True(accepted >= Scenarios * 95 / 100, $"Only {accepted} of {Scenarios} generated configurations were accepted: the generator needs rebalancing.");
    }

    [Fact]
    public void Configurations_rejected_for_their_buffer_do_show_a_gap_or_a_lapse()
    {
        int rejected = 0;
        GenConfig.Sample(
            config =>
            {
                TaskProtectionOptions probe = config.ToOptions();
                int tolerated = probe.ToleratedConsecutiveFailures;

                // Ask for one failure more than the buffer holds: the validator must reject it for exactly that reason.
                TaskProtectionOptions options = config.ToOptions(minimumToleratedFailures: tolerated + 1);
                IReadOnlyList<string> failures = TaskProtectionOptionsValidator.FindFailures(options);
                if (failures.Count != 1 || !failures[0].StartsWith("ProtectionBuffer ≥", StringComparison.Ordinal))
                {
                    return true;
                }

                rejected++;
                int failing = tolerated + 1;
                int renewals = 0;
                int failed = 0;

                // The worst case the arithmetic allows: calls that vanish until the timeout, retries at the cap,
                // every timer late by the whole tolerance, then a success that reaches the agent just inside the timeout.
                AgentFault? Faults(AgentCallContext call)
                {
                    if (!call.Body.Contains("true", StringComparison.Ordinal))
                    {
                        return null;
                    }

                    if (renewals++ == 0)
                    {
                        return null;
                    }

                    if (failed < failing)
                    {
                        failed++;
                        return new AgentFault(AgentFaultKind.Blackhole);
                    }

                    return AgentFault.Latency(options.RequestTimeout - TimeSpan.FromMilliseconds(1));
                }

                // Timers due before the renewal fire on time (so the watchdog cannot start it early); from then on, late by all of
                // J (SchedulingTolerance plus the 1 ms of timer resolution), except the lapse watch, on time at J before the end.
                TimeSpan lease = options.LeaseDuration;
                TimeSpan late = options.SchedulingTolerance + GapBudget.TimerResolution;
                DateTimeOffset renewalDue = SimulatedClock.Epoch + lease - options.ProtectionBuffer;
                DateTimeOffset lapseWatch = SimulatedClock.Epoch + lease - late;
                SimResult result = GapSimulation.Run(
                    options,
                    [new SimSession(TimeSpan.Zero, lease + lease)],
                    Faults,
                    due => due >= renewalDue && due < lapseWatch ? late : TimeSpan.Zero,
                    () => 1.0,
                    validate: false);
                // Failing: ECS dropped protection under a session, or the manager could not confirm the lease in time to
                // tell the sessions before it would end, so it reported a lapse (the invariant's other half holds either way).
                if (result.Gaps.Count == 0 && result.Lapses == 0)
                {
                    throw new InvalidOperationException($"The validator rejected {config} (survives {tolerated}), but {failing} failures showed neither a gap nor a lapse.");
                }

                return true;
            },
            iter: 400,
            threads: 1);
        output.WriteLine($"400 configurations, {rejected} rejected for their buffer alone; each showed a gap or a lapse with one failure more than it tolerates.");
        Assert.True(rejected >= 50, $"Only {rejected} configurations were rejected for their buffer alone.");
    }
}
