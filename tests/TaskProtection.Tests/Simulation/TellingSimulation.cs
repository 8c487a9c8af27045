using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Simulation;

/// <summary>What one scenario of the widened simulation showed.</summary>
/// <param name="Violations">Moments a session body ran while the agent held no protection and the application had not been told.</param>
/// <param name="SessionsRun">Sessions whose body ran (refused ones did not).</param>
/// <param name="Refused">Sessions refused under AcquireTimeoutBehavior.Throw.</param>
/// <param name="UnprotectedRunning">Total time session bodies ran unprotected, every moment of it after being told.</param>
/// <param name="Signals">Times the application was told (ProtectionLost raised, token cancelled).</param>
/// <param name="Restores">Times a fresh token followed.</param>
/// <param name="Status">The manager's status at the end.</param>
public sealed record TellingResult(
    IReadOnlyList<string> Violations,
    int SessionsRun,
    int Refused,
    TimeSpan UnprotectedRunning,
    int Signals,
    int Restores,
    TaskProtectionStatus Status);

/// <summary>
/// Runs the real manager against the protection model on a simulated clock through one <see cref="TellingScenario"/>,
/// and checks the invariant: no session body runs while ECS holds no protection for the task (the model's record)
/// unless the application was told first (ProtectionLost raised and ProtectionLostToken cancelled at or before that
/// moment, and still so) or the session was refused.
/// </summary>
/// <remarks>
/// A session's body runs from when EnterAsync returned it; a synchronous one's from the first moment protection
/// covered it, or AcquireTimeout after it entered, whichever is first (before that, it is documented to run
/// unconfirmed). What the application sees is sampled after every step of the simulation, at the step's instant.
/// </remarks>
public static class TellingSimulation
{
    private static readonly AgentFaultKind[] Retryable =
    [
        AgentFaultKind.TooManyRequests, AgentFaultKind.ServerError, AgentFaultKind.GatewayTimeout, AgentFaultKind.Throttling,
        AgentFaultKind.DropConnection, AgentFaultKind.NoResponse, AgentFaultKind.Blackhole, AgentFaultKind.NotJson,
    ];

    private static readonly AgentFaultKind[] Refusals = [AgentFaultKind.DeploymentBlocked, AgentFaultKind.TaskNotValid, AgentFaultKind.AccessDenied];

    /// <summary>Runs the scenario; with <see cref="ProtectionBackend.EcsApi"/>, through the real ECS API client (in memory) and API faults.</summary>
    public static TellingResult Run(TellingScenario scenario, ProtectionBackend backend = ProtectionBackend.Agent, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        TaskProtectionOptions options = scenario.ToOptions();
        var random = new Random(scenario.Seed);
        FaultMix mix = scenario.Faults;
        var h = new Harness(
            options,
            lateness: _ => options.SchedulingTolerance * random.NextDouble(),
            jitter: () => random.Next(1000) < mix.LoopFaults ? throw new InvalidOperationException("injected: the loop's own code throws") : random.NextDouble(),
            client: inner => new FlakyClient(inner, random, mix.ClientThrows),
            backend: backend == ProtectionBackend.EcsApi ? model => ApiSimulation.ClientFor(model, random, mix, options) : null,
            logger: logger);
        h.Model.FaultPolicy = _ => NextFault(random, mix, options);
        var watch = new ApplicationView(h);
        if (mix.ThrowingHandler)
        {
            h.Manager.ProtectionLost += (_, _) => throw new InvalidOperationException("injected: a handler that throws");
        }

        h.Manager.ProtectionLost += (_, _) => watch.OnProtectionLost();
        var runs = new SessionRun[scenario.Sessions.Count];
        foreach ((TimeSpan at, Action act) in Timeline(scenario, h, runs))
        {
            h.AdvanceTo(at);
            act();
            h.Pump();
        }

        h.AdvanceTo(h.Elapsed + options.AcquireTimeout + options.LeaseDuration + options.MaxProtectionCooldown);
        h.ThrowIfLoopFaulted();
        TellingResult result = Check(h, watch, runs, options);
        Task.Run(() => h.DisposeAsync().AsTask()).GetAwaiter().GetResult();
        return result;
    }

    private static IEnumerable<(TimeSpan At, Action Act)> Timeline(TellingScenario scenario, Harness h, SessionRun[] runs)
    {
        var events = new List<(TimeSpan At, int Order, Action Act)>();
        for (int i = 0; i < scenario.Sessions.Count; i++)
        {
            TellingSession session = scenario.Sessions[i];
            var run = runs[i] = new SessionRun(session.Entry);
            events.Add((session.Start, 1, () => run.Enter(h, $"job-{runs.Length}")));
            events.Add((session.Start + session.Length, 0, () => run.Exit(h)));
        }

        foreach (TimeSpan at in scenario.ForceDisables)
        {
            events.Add((at, 2, () => _ = h.Manager.ForceDisableProtectionAsync("injected: operator")));
        }

        return events.OrderBy(e => e.At).ThenBy(e => e.Order).Select(e => (e.At, e.Act));
    }

    internal static AgentFault? NextFault(Random random, FaultMix mix, TaskProtectionOptions options)
    {
        TimeSpan max = options.RequestTimeout - TimeSpan.FromMilliseconds(1);
        int draw = random.Next(1000);
        if ((draw -= mix.Refused) < 0)
        {
            return new AgentFault(Refusals[random.Next(Refusals.Length)], max * random.NextDouble());
        }

        if ((draw -= mix.LateLanding) < 0)
        {
            // Lands at most LateLandingWindow after the client gave up, at RequestTimeout.
            return new AgentFault(AgentFaultKind.LateLanding, (options.RequestTimeout + GapBudget.LateLandingWindow) * random.NextDouble());
        }

        if (draw - mix.Retryable < 0)
        {
            return new AgentFault(Retryable[random.Next(Retryable.Length)], max * random.NextDouble());
        }

        TimeSpan total = max * random.NextDouble();
        TimeSpan request = total * random.NextDouble();
        return AgentFault.Latency(request, total - request);
    }

    /// <summary>The agent's record for ten minutes before a violation and two after: what led to it.</summary>
    private static string CallsAround(Harness h, DateTimeOffset at) =>
        string.Join(", ", h.Model.Calls
            .Where(c => c.ReceivedAt >= at - TimeSpan.FromMinutes(10) && c.ReceivedAt <= at + TimeSpan.FromMinutes(2))
            .Select(c => $"{c.ReceivedAt - h.Start} {c.Body} {c.Fault} {c.StatusCode}"));

    private static TellingResult Check(Harness h, ApplicationView watch, SessionRun[] runs, TaskProtectionOptions options)
    {
        var violations = new List<string>();
        IReadOnlyList<UnprotectedInterval> unprotected = h.Model.UnprotectedIntervals(h.Start);
        TimeSpan unprotectedRunning = TimeSpan.Zero;
        for (int i = 0; i < runs.Length; i++)
        {
            if (runs[i].BodyFrom(watch, options.AcquireTimeout) is not { } from || runs[i].EndedAt is not { } to || from >= to)
            {
                continue;
            }

            foreach (UnprotectedInterval gap in unprotected)
            {
                DateTimeOffset start = gap.From > from ? gap.From : from;
                DateTimeOffset end = gap.To < to ? gap.To : to;
                if (start >= end)
                {
                    continue;
                }

                unprotectedRunning += end - start;
                if (!watch.ToldThroughout(start, end))
                {
                    violations.Add($"session {i} ({runs[i].Entry}) entered {runs[i].EnteredAt - h.Start}, ran [{from - h.Start}, {to - h.Start}) untold while unprotected [{start - h.Start}, {end - h.Start}); told: {watch.Describe(h.Start)}; calls around: {CallsAround(h, start)}");
                }
            }
        }

        violations.AddRange(watch.SignalsWithoutEvent(h.Start));
        return new TellingResult(
            violations,
            runs.Count(r => r.BodyFrom(watch, options.AcquireTimeout) is not null),
            runs.Count(r => r.Refused),
            unprotectedRunning,
            watch.Signals,
            watch.Restores,
            h.Manager.GetStatus());
    }

    /// <summary>A client that sometimes throws at once, before any request, as a buggy custom client might.</summary>
    private sealed class FlakyClient(ITaskProtectionClient inner, Random random, int permille) : ITaskProtectionClient
    {
        public Task<TaskProtectionState> EnableAsync(int expiresInMinutes, CancellationToken cancellationToken) =>
            Flake() ? throw new InvalidOperationException("injected: the client throws") : inner.EnableAsync(expiresInMinutes, cancellationToken);

        public Task<TaskProtectionState> DisableAsync(CancellationToken cancellationToken) =>
            Flake() ? throw new InvalidOperationException("injected: the client throws") : inner.DisableAsync(cancellationToken);

        public Task<TaskProtectionState> GetAsync(CancellationToken cancellationToken) => inner.GetAsync(cancellationToken);

        private bool Flake() => random.Next(1000) < permille;
    }
}
