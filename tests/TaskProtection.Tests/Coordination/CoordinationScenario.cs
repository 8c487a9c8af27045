using CsCheck;
using TaskProtection.Tests.Simulation;

namespace TaskProtection.Tests.Coordination;

/// <summary>What happens to one process of the task: it runs to the end, is killed (SIGKILL) or stopped (SIGTERM) at a moment.</summary>
public enum ProcessFate
{
    Runs,
    Killed,
    Stopped,
}

/// <summary>One process of a coordinated scenario: its sessions, its fate and when, and how late its timers fire.</summary>
public sealed record ProcessPlan(IReadOnlyList<TellingSession> Sessions, ProcessFate Fate, TimeSpan FateAt, bool Late);

/// <summary>
/// One scenario of the coordination simulation: 2 to 5 processes of one task sharing one agent and one coordination
/// store, each with its own sessions (overlapping across processes), some killed or stopped mid-way, a force-disable
/// perhaps, under a fault mix drawn as in the widened simulation.
/// </summary>
public sealed record CoordinationScenario(
    SimConfig Config,
    int CapLeases,
    int DrainLeases,
    AcquireTimeoutBehavior Behavior,
    IReadOnlyList<ProcessPlan> Processes,
    TimeSpan? ForceDisableAt,
    FaultMix Faults,
    int Seed)
{
    private static readonly Gen<TellingSession> GenSession =
        from start in Gen.Int[0, 7_200]
        from length in Gen.Int[1, 3_600]
        from sync in Gen.Int[0, 3]
        select new TellingSession(TimeSpan.FromSeconds(start), TimeSpan.FromSeconds(length), sync == 0 ? EntryKind.Sync : EntryKind.Async);

    private static readonly Gen<ProcessPlan> GenProcess =
        from sessions in GenSession.Array[1, 6]
        from fate in Gen.Frequency((6, Gen.Const(ProcessFate.Runs)), (2, Gen.Const(ProcessFate.Killed)), (2, Gen.Const(ProcessFate.Stopped)))
        from fateAt in Gen.Int[0, 9_000]
        from late in Gen.Bool
        select new ProcessPlan([.. sessions.OrderBy(static s => s.Start)], fate, TimeSpan.FromSeconds(fateAt), late);

    private static readonly Gen<FaultMix> GenFaults =
        from retryable in Gen.OneOf(Gen.Const(0), Gen.Int[0, 400])
        from refused in Gen.OneOf(Gen.Const(0), Gen.Const(0), Gen.Int[0, 50])
        from late in Gen.OneOf(Gen.Const(0), Gen.Int[0, 150])
        select new FaultMix(retryable, refused, late, 0, 0, false);

    public static readonly Gen<CoordinationScenario> Generator =
        from config in GapInvariantTests.GenAcceptedConfig
        from capLeases in Gen.Frequency((4, Gen.Const(0)), (1, Gen.Int[2, 8]))
        from drainLeases in Gen.OneOf(Gen.Const(0), Gen.Int[0, Math.Max(0, capLeases - 1)])
        from behavior in Gen.Enum<AcquireTimeoutBehavior>()
        from processes in GenProcess.Array[2, 5]
        from forceDisable in Gen.Frequency((5, Gen.Const(-1)), (1, Gen.Int[0, 9_000]))
        from faults in GenFaults
        from seed in Gen.Int[0, int.MaxValue]
        select new CoordinationScenario(config, capLeases, drainLeases, behavior, processes, forceDisable < 0 ? null : TimeSpan.FromSeconds(forceDisable), faults, seed);

    public bool FaultFree => Faults is { Retryable: 0, Refused: 0, LateLanding: 0 } && ForceDisableAt is null && CapLeases == 0;

    public TaskProtectionOptions ToOptions()
    {
        TaskProtectionOptions options = Config.ToOptions();
        options.MaxProtectionDuration = CapLeases == 0 ? TimeSpan.FromDays(3) : options.LeaseDuration * CapLeases;
        // A drain is drawn too: the processes drain together before the task's cap.
        options.MaxProtectionDrain = options.LeaseDuration * DrainLeases;
        options.AcquireTimeoutBehavior = Behavior;
        return options;
    }
}
