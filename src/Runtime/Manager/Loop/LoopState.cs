namespace TaskProtection;

/// <summary>What the loop knows between steps. Loop only: the decider reads and schedules, the loop's steps change it.</summary>
internal sealed class LoopState(ManagerContext context)
{
    public LeaseState Lease { get; } = new(context.Clock, context.Options);

    /// <summary>Failed enables (acquire and renewal) and when the next may go.</summary>
    public RetryBackoff EnableBackoff { get; } = new(context.Options, context.Clock, context.Jitter);

    /// <summary>Failed releases and when the next may go: kept apart, so that they never slow an acquire.</summary>
    public RetryBackoff ReleaseBackoff { get; } = new(context.Options, context.Clock, context.Jitter);

    /// <summary>The backoff of the last operation attempted, for status.</summary>
    public RetryBackoff LastAttempted { get; set; } = null!;

    /// <summary>ECS refused protection, or a lease lapsed with sessions running: mode Lost until an enable succeeds or the task idles.</summary>
    public bool Lost { get; set; }

    /// <summary>Continuous protection reached MaxProtectionDuration: no renewal until the cool-down is over.</summary>
    public bool Capped { get; set; }

    /// <summary>
    /// Continuous protection reached its drain (MaxProtectionDrain before the cap): running sessions stay protected, new
    /// ones are refused; the release when they have ended starts the cool-down.
    /// </summary>
    public bool Draining { get; set; }

    /// <summary>When protection may be acquired again after the cap (the lease's end or release, plus the cool-down).</summary>
    public long CooldownUntil { get; set; } = long.MinValue;

    /// <summary>The lapse of the current lease was reported: it is reported once.</summary>
    public bool LapseReported { get; set; }

    /// <summary>When the loop first saw sessions after being idle; long.MinValue while idle.</summary>
    public long BusySince { get; set; } = long.MinValue;

    /// <summary>When protection is to be released, once no session is active; long.MaxValue when not scheduled.</summary>
    public long ReleaseDueAt { get; set; } = long.MaxValue;

    /// <summary>Until when the agent may hold protection for this task (a sent enable may have landed); releases happen before it.</summary>
    public long ServerMayBeProtectedUntil { get; set; } = long.MinValue;

    /// <summary>Calls that may still land at ECS after the manager gave up on them.</summary>
    public LateLandings MayLand { get; } = new(context);

    /// <summary>
    /// When to disable once more: a confirmed disable may be undone by an earlier enable that lands after it, until
    /// then. long.MinValue when nothing is to be repeated.
    /// </summary>
    public long DisableAgainAt { get; set; } = long.MinValue;

    /// <summary>The last agent error since the last success, and when.</summary>
    public string? LastError { get; set; }

    public long LastErrorAt { get; set; }

    public long Lapses { get; set; }

    public long LoopFaults { get; set; }
}
