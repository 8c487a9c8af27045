namespace TaskProtection;

/// <summary>
/// What the loop does next: a pure function of what it knows (<see cref="LoopFacts"/>) and the settings. It does no I/O
/// and changes nothing; the schedule it keeps (when the task became busy, when a release is due) comes back in the
/// <see cref="Decision"/>.
/// </summary>
/// <remarks>
/// Sessions are counted two ways: active (all of them) and running (those whose body may be running: every active
/// session except those still waiting in EnterAsync). Telling the application is owed to running ones.
/// </remarks>
internal sealed class StepDecider(DeciderRules rules)
{
    public Decision Decide(in LoopFacts f)
    {
        Lease lease = f.Lease;
        if (lease.IsHeld && f.Now >= LeaseEndsAt(f))
        {
            return Keep(f, new Step(StepKind.EndLease));
        }

        if (f.Now >= LapseDeadline(f))
        {
            return Keep(f, new Step(StepKind.ReportLapse));
        }

        if (f.Capped && !lease.IsHeld && f.Now >= f.CooldownUntil)
        {
            return Keep(f, new Step(StepKind.EndCooldown));
        }

        if (f.ForceDisabledAtEntered >= 0)
        {
            return Keep(f, DecideForceDisabled(f));
        }

        return f.Active > 0 ? DecideBusy(f) : DecideIdle(f);
    }

    /// <summary>
    /// The next moment running sessions must be told something if nothing changes before (the lapse watch while a lease
    /// is held, else the acquire timeout), and which; long.MaxValue when nothing is owed.
    /// </summary>
    public (long At, bool Lapse) TellDeadline(in LoopFacts f)
    {
        long lapse = LapseDeadline(f);
        long notConfirmed = NotConfirmedDeadline(f);
        return lapse <= notConfirmed ? (lapse, true) : (notConfirmed, false);
    }

    /// <summary>
    /// When the held lease is over for the loop: its expiry; with no session body running (none, or only sessions waiting
    /// for coverage), a timer's lateness before it, so that coverage is closed when it ends: a session's start timestamp
    /// may be old, the gate is all it reads, and with no body running there is no lapse watch to tell it. long.MaxValue
    /// without one.
    /// </summary>
    public long LeaseEndsAt(in LoopFacts f) =>
        !f.Lease.IsHeld ? long.MaxValue : f.Running == 0 ? rules.Lease.LapseAt(f.Lease) : f.Lease.Expiry;

    /// <summary>When the task became busy, given what the loop saw: now if sessions are active and it was idle.</summary>
    public static long BusySince(in LoopFacts f) => f.Active > 0 && f.BusySince == long.MinValue ? f.Now : f.BusySince;

    /// <summary>While renewing: when running sessions must hear that the lease ends unrenewed; long.MaxValue when nothing is owed.</summary>
    public long LapseDeadline(in LoopFacts f) =>
        f.Lease.IsHeld && f.Running > 0 && !f.Capped && !f.LapseReported ? rules.Lease.LapseAt(f.Lease) : long.MaxValue;

    /// <summary>
    /// While acquiring: when sessions that did not wait for protection (synchronous ones) must hear that it is not
    /// confirmed: AcquireTimeout after the task became busy, less the timer tolerance. long.MaxValue when nothing is owed.
    /// </summary>
    public long NotConfirmedDeadline(in LoopFacts f)
    {
        long busySince = BusySince(f);
        return !f.Lease.IsHeld && f.Running > 0 && !f.SignalRaised && busySince != long.MinValue
            ? busySince + rules.AcquireTimeoutTicks - rules.Lease.LateTicks
            : long.MaxValue;
    }

    /// <summary>Renewals stay stopped until a session entered after the force-disable needs protection.</summary>
    private Step DecideForceDisabled(in LoopFacts f)
    {
        if (f.Active > 0 && f.TotalEntered > f.ForceDisabledAtEntered)
        {
            return new Step(StepKind.LeaveForceDisabled);
        }

        bool again = f.DisableAgainAt != long.MinValue;
        return again && f.Now >= f.DisableAgainAt && f.Now >= f.Releases.NextAttemptAt
            ? new Step(StepKind.DisableAgain)
            : Step.WaitUntil(again ? Math.Max(f.DisableAgainAt, f.Releases.NextAttemptAt) : f.Now + rules.CheckTicks);
    }

    private Decision DecideBusy(in LoopFacts f)
    {
        long busySince = BusySince(f);
        return new Decision(BusyStep(f, busySince), busySince, ReleaseDueAt: long.MaxValue);
    }

    private Step BusyStep(in LoopFacts f, long busySince)
    {
        Lease lease = f.Lease;
        LeaseRules leases = rules.Lease;
        long watchdog = f.Now + rules.CheckTicks;
        if (f.Capped)
        {
            // Sessions that went ahead unconfirmed in the cool-down (none running was told when it began) hear so by
            // AcquireTimeout, as when acquiring: nothing will be acquired for them before the cool-down ends.
            long notConfirmedAt = NotConfirmedDeadline(f);
            return f.Now >= notConfirmedAt
                ? new Step(StepKind.ReportNotConfirmed)
                : Step.WaitUntil(Min(watchdog, lease.IsHeld ? lease.Expiry : f.CooldownUntil, notConfirmedAt));
        }

        if (!lease.IsHeld)
        {
            return AcquireStep(f, watchdog);
        }

        // The drain before the cap, or one asked for: new sessions are refused, the running ones stay protected. A drain
        // that was asked for ends when taking work resumes, unless the cap's own drain has begun meanwhile.
        long drainFrom = leases.DrainFrom(lease);
        if (!f.Draining && (f.Now >= drainFrom || f.StopTakingWork))
        {
            return new Step(StepKind.Drain);
        }

        if (f.Draining && !f.StopTakingWork && f.Now < drainFrom)
        {
            return new Step(StepKind.Undrain);
        }

        // While sessions run, every wait ends by the lapse watch, so that a lapse is reported before the lease ends;
        // and by the drain, so that sessions waiting then hear at once that they are refused.
        long lapseWatch = Math.Min(Math.Min(LapseDeadline(f), LeaseEndsAt(f)), f.Draining ? long.MaxValue : drainFrom);
        if (leases.NextRenewal(lease) is not { } plan)
        {
            long due = leases.RenewalDue(lease);
            return f.Now >= due ? new Step(StepKind.Cap) : Step.WaitUntil(Min(due, watchdog, lapseWatch));
        }

        if (f.Now < plan.At)
        {
            return Step.WaitUntil(Min(plan.At, watchdog, lapseWatch));
        }

        if (f.Now < f.Enables.NextAttemptAt)
        {
            return Step.WaitUntil(Math.Min(f.Enables.NextAttemptAt, lapseWatch));
        }

        // Lateness counts from when the renewal was needed: not from a due time that passed while no session ran.
        return new Step(StepKind.Enable, Math.Max(plan.At, busySince));
    }

    private Step AcquireStep(in LoopFacts f, long watchdog)
    {
        if (PeriodMayRunPastCap(f))
        {
            return new Step(StepKind.CooldownPastCap);
        }

        long notConfirmedAt = NotConfirmedDeadline(f);
        if (f.Now >= notConfirmedAt)
        {
            return new Step(StepKind.ReportNotConfirmed);
        }

        // A disable that may still land would undo this enable: wait until it no longer can.
        long at = Math.Max(f.Enables.NextAttemptAt, f.MayLand.DisableUntil);
        return f.Now >= at ? new Step(StepKind.Enable, f.Now) : Step.WaitUntil(Min(at, watchdog, notConfirmedAt));
    }

    private Decision DecideIdle(in LoopFacts f)
    {
        // No session: release once the delay has passed, while the agent may still hold protection for us.
        if (f.Now < f.ServerMayBeProtectedUntil)
        {
            // The release delay keeps protection between back-to-back jobs; a task that takes no work has none to come.
            long releaseDueAt = f.ReleaseDueAt == long.MaxValue ? f.Now + (f.StopTakingWork ? 0 : rules.ReleaseDelayTicks) : f.ReleaseDueAt;
            long at = Math.Min(Math.Max(Math.Max(releaseDueAt, f.Releases.NextAttemptAt), f.DisableAgainAt), LeaseEndsAt(f));
            return new Decision(f.Now >= at ? new Step(StepKind.Release) : Step.WaitUntil(at), long.MinValue, releaseDueAt);
        }

        if (f.Lease.IsHeld || f.Lost || f.LapseReported || f.SignalRaised || f.Enables.NextAttemptAt != 0 || f.Releases.NextAttemptAt != 0)
        {
            return new Decision(new Step(StepKind.GoIdle), long.MinValue, f.ReleaseDueAt);
        }

        long watchdog = f.Now + rules.CheckTicks;
        return new Decision(Step.WaitUntil(f.Capped ? Math.Min(watchdog, f.CooldownUntil) : watchdog), long.MinValue, f.ReleaseDueAt);
    }

    /// <summary>Whether ECS may still protect the task from a period whose cap has passed: an enable now would not start afresh.</summary>
    public bool PeriodMayRunPastCap(in LoopFacts f) =>
        f.Lease != Lease.None
        && f.Now < MayStillBeProtectedUntil(f)
        && f.Now >= rules.Lease.CapEnd(f.Lease);

    /// <summary>Until when ECS may still protect the task from the current period, though no lease is held.</summary>
    private static long MayStillBeProtectedUntil(in LoopFacts f) => Math.Max(f.ServerMayBeProtectedUntil, f.PeriodMayContinueUntil);

    private static Decision Keep(in LoopFacts f, Step step) => new(step, f.BusySince, f.ReleaseDueAt);

    private static long Min(long a, long b, long c) => Math.Min(a, Math.Min(b, c));
}

/// <summary>The settings the decider works with, in clock ticks.</summary>
/// <param name="Lease">The lease and cap arithmetic.</param>
/// <param name="CheckTicks">CheckInterval: the watchdog's period.</param>
/// <param name="ReleaseDelayTicks">ReleaseDelay: how long protection stays after the last session.</param>
/// <param name="AcquireTimeoutTicks">AcquireTimeout: how long sessions that did not wait run unconfirmed before they are told.</param>
internal sealed record DeciderRules(LeaseRules Lease, long CheckTicks, long ReleaseDelayTicks, long AcquireTimeoutTicks)
{
    public static DeciderRules From(TaskProtectionOptions options, ManagerClock clock) => new(
        LeaseRules.From(options, clock),
        clock.ToTicks(options.CheckInterval),
        clock.ToTicks(options.ReleaseDelay),
        clock.ToTicks(options.AcquireTimeout));
}

/// <summary>What the loop knows when it decides: the clock, the sessions, the lease and its own state.</summary>
internal readonly record struct LoopFacts(
    long Now,
    int Active,
    int Running,
    long TotalEntered,
    Lease Lease,
    bool Capped,
    bool Draining,
    bool Lost,
    bool LapseReported,
    bool SignalRaised,
    long CooldownUntil,
    long ForceDisabledAtEntered,
    long DisableAgainAt,
    RetryBackoff Enables,
    RetryBackoff Releases,
    LateLandings MayLand,
    long BusySince,
    long ReleaseDueAt,
    long ServerMayBeProtectedUntil,
    bool StopTakingWork = false,
    long PeriodMayContinueUntil = long.MinValue);

/// <summary>One decision: the step, and the schedule the loop keeps from now on.</summary>
internal readonly record struct Decision(Step Step, long BusySince, long ReleaseDueAt);

/// <summary>What the loop does next.</summary>
internal enum StepKind
{
    /// <summary>Nothing is due: wait until <see cref="Step.At"/> or a wake.</summary>
    Wait,

    /// <summary>Send an enable (acquire or renewal) for <see cref="Step.Minutes"/> minutes.</summary>
    Enable,

    /// <summary>Release protection: no session for ReleaseDelay.</summary>
    Release,

    /// <summary>The lease has run out, or with no session is about to: coverage closes before it ends.</summary>
    EndLease,

    /// <summary>The lease ends within the timer tolerance and no renewal was confirmed: tell the running sessions now.</summary>
    ReportLapse,

    /// <summary>No renewal can extend protection without passing MaxProtectionDuration, and one would be due now.</summary>
    Cap,

    /// <summary>The cool-down after the cap is over: protection may be acquired again.</summary>
    EndCooldown,

    /// <summary>
    /// An acquire is wanted after the cap's end while the period's last lease may still be in force at ECS (its release
    /// failed or is unconfirmed): it would start a fresh cap on top of that one, so the task cools down first.
    /// </summary>
    CooldownPastCap,

    /// <summary>Continuous protection reached its drain, or a drain was asked for: refuse new sessions, keep the running ones protected.</summary>
    Drain,

    /// <summary>A drain that was asked for is over (taking work resumed): the confirmed lease covers new sessions again.</summary>
    Undrain,

    /// <summary>A session entered after a force-disable: protection may be acquired again.</summary>
    LeaveForceDisabled,

    /// <summary>Sessions that did not wait (synchronous, or gone ahead) have run unconfirmed for AcquireTimeout.</summary>
    ReportNotConfirmed,

    /// <summary>No session and nothing held: forget failures and losses.</summary>
    GoIdle,

    /// <summary>Force-disabled, and an enable abandoned earlier may have landed after the disable: disable once more.</summary>
    DisableAgain,
}

/// <summary>One decision of the loop.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="At">For <see cref="StepKind.Wait"/>, until when; for <see cref="StepKind.Enable"/>, when it was due.</param>
/// <param name="Minutes">For <see cref="StepKind.Enable"/>: the minutes to ask for (0: decide when sending).</param>
internal readonly record struct Step(StepKind Kind, long At = 0, int Minutes = 0)
{
    public static Step WaitUntil(long at) => new(StepKind.Wait, at);
}
