using CsCheck;

namespace TaskProtection.Tests.Simulation;

/// <summary>How a session of a scenario enters: awaiting protection, or synchronously (its body starts at once).</summary>
public enum EntryKind
{
    Async,
    Sync,
}

/// <summary>One session of a scenario.</summary>
public sealed record TellingSession(TimeSpan Start, TimeSpan Length, EntryKind Entry);

/// <summary>What goes wrong, in ‰ of agent calls (or of the loop's own steps, for loop faults).</summary>
/// <param name="Retryable">Throttling, 5xx, dropped and vanished calls, garbled answers: retried.</param>
/// <param name="Refused">DEPLOYMENT_BLOCKED, TASK_NOT_VALID, AccessDenied: not retryable.</param>
/// <param name="LateLanding">Calls that time out and still land, up to GapBudget.LateLandingWindow later.</param>
/// <param name="ClientThrows">The client throws something unexpected at once, before any request is made.</param>
/// <param name="LoopFaults">The loop's own code throws while handling a failed call (via the jitter source).</param>
/// <param name="ThrowingHandler">A ProtectionLost handler that always throws sits before the one that records.</param>
public sealed record FaultMix(int Retryable, int Refused, int LateLanding, int ClientThrows, int LoopFaults, bool ThrowingHandler);

/// <summary>
/// One scenario of the widened simulation: an accepted configuration whose cap, drain before it (in leases), cool-down, acquire timeout and
/// behaviour are drawn too, sessions (some back to back, some overlapping, some synchronous), force-disables at random
/// times, and a fault mix that may well exceed what the configuration tolerates.
/// </summary>
public sealed record TellingScenario(
    SimConfig Config,
    int CapLeases,
    int DrainLeases,
    int CooldownMinutes,
    int AcquireTimeoutSeconds,
    AcquireTimeoutBehavior Behavior,
    IReadOnlyList<TellingSession> Sessions,
    IReadOnlyList<TimeSpan> ForceDisables,
    FaultMix Faults,
    int Seed)
{
    public TaskProtectionOptions ToOptions()
    {
        TaskProtectionOptions options = Config.ToOptions();
        options.MaxProtectionDuration = CapLeases == 0 ? TimeSpan.FromDays(3) : options.LeaseDuration * CapLeases;
        options.MaxProtectionDrain = options.LeaseDuration * DrainLeases;
        options.MaxProtectionCooldown = TimeSpan.FromMinutes(CooldownMinutes);
        options.AcquireTimeout = TimeSpan.FromSeconds(AcquireTimeoutSeconds);
        options.AcquireTimeoutBehavior = Behavior;
        return options;
    }

    /// <summary>Sessions: each starts at random, right after the previous one ends, or while it runs.</summary>
    private static readonly Gen<List<TellingSession>> GenSessions =
        from count in Gen.Int[1, 12]
        from draws in Gen.Select(Gen.Int[0, 2], Gen.Int[0, 14_400], Gen.Int[1, 5_400], Gen.Int[0, 3]).Array[count]
        select Chain(draws);

    private static readonly Gen<FaultMix> GenFaults =
        from retryable in Gen.Int[0, 600]
        from refused in Gen.OneOf(Gen.Const(0), Gen.Int[0, 100])
        from late in Gen.OneOf(Gen.Const(0), Gen.Int[0, 200])
        from clientThrows in Gen.OneOf(Gen.Const(0), Gen.Int[0, 100])
        from loopFaults in Gen.OneOf(Gen.Const(0), Gen.Int[0, 200])
        from throwingHandler in Gen.Bool
        select new FaultMix(retryable, refused, late, clientThrows, loopFaults, throwingHandler);

    public static readonly Gen<TellingScenario> Generator =
        from config in GapInvariantTests.GenAcceptedConfig
        from capLeases in Gen.OneOf(Gen.Const(0), Gen.Int[1, 8])
        from drainLeases in Gen.OneOf(Gen.Const(0), Gen.Int[0, Math.Max(0, capLeases - 1)])
        from cooldown in Gen.Int[1, 10]
        from acquireTimeout in Gen.Int[1, 600]
        from behavior in Gen.Enum<AcquireTimeoutBehavior>()
        from sessions in GenSessions
        from forceDisables in Gen.Int[0, 14_400].Array[0, 2]
        from faults in GenFaults
        from seed in Gen.Int[0, int.MaxValue]
        select new TellingScenario(
            config,
            capLeases,
            drainLeases,
            cooldown,
            acquireTimeout,
            behavior,
            sessions,
            forceDisables.Select(s => TimeSpan.FromSeconds(s)).ToArray(),
            faults,
            seed);

    private static List<TellingSession> Chain((int How, int Start, int Length, int Sync)[] draws)
    {
        var sessions = new List<TellingSession>();
        foreach ((int how, int start, int length, int sync) in draws)
        {
            TimeSpan at = TimeSpan.FromSeconds(start);
            if (sessions.Count > 0 && how > 0)
            {
                TellingSession previous = sessions[^1];
                at = how == 1
                    ? previous.Start + previous.Length + TimeSpan.FromSeconds(start % 15)
                    : previous.Start + TimeSpan.FromSeconds(start % Math.Max(1, (int)previous.Length.TotalSeconds));
            }

            sessions.Add(new TellingSession(at, TimeSpan.FromSeconds(length), sync == 0 ? EntryKind.Sync : EntryKind.Async));
        }

        return sessions;
    }
}
