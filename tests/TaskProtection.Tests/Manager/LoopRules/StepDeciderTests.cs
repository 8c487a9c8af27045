using static TaskProtection.Tests.Manager.LoopRules.LoopTables;

namespace TaskProtection.Tests.Manager.LoopRules;

/// <summary>
/// The loop's decision as a table: what it knows in, the step out. Defaults: 7-minute leases renewed with 2 minutes left,
/// a 60 s watchdog, a 5 s release delay, AcquireTimeout 30 s, a 2-hour cap with a 1-hour drain, timers up to 2.001 s late.
/// </summary>
public sealed class StepDeciderTests
{
    private static readonly StepDecider Decider = new(DeciderRules.From(Defaults, Clock));

    /// <summary>Held from 0, expiring at 420 s: renewal due at 300 s, lapse watch at 417.999 s.</summary>
    private static readonly Lease Held = new(true, S(420), 0);

    private static readonly Dictionary<string, (LoopFacts Facts, Step Expected)> Rows = new()
    {
        // Idle.
        ["idle: wait for the watchdog"] = (At(100), Wait(160)),
        ["idle, the agent may still protect us: wait for the release delay"] = (At(100) with { ServerMayBeProtectedUntil = S(900) }, Wait(105)),
        ["idle, the release is due"] = (At(105) with { ServerMayBeProtectedUntil = S(900), ReleaseDueAt = S(105) }, new Step(StepKind.Release)),
        ["idle, a failed release backs off"] = (At(105) with { ServerMayBeProtectedUntil = S(900), ReleaseDueAt = S(105), Releases = new RetryBackoff(1, S(110)) }, Wait(110)),
        ["idle after a loss: forget it"] = (At(100) with { Lost = true }, new Step(StepKind.GoIdle)),
        ["idle in the cool-down: wait for its end"] = (At(100) with { Capped = true, CooldownUntil = S(130) }, Wait(130)),
        ["in the cool-down, a session went ahead untold: wait for AcquireTimeout"] = (Busy(110) with { Capped = true, CooldownUntil = S(400), BusySince = S(100) }, Wait(127.999)),
        ["in the cool-down, a session went ahead untold for AcquireTimeout: tell it"] = (Busy(128) with { Capped = true, CooldownUntil = S(400), BusySince = S(100) }, new Step(StepKind.ReportNotConfirmed)),
        ["in the cool-down, the session was told: wait for the watchdog"] = (Busy(128) with { Capped = true, CooldownUntil = S(400), BusySince = S(100), SignalRaised = true }, Wait(188)),

        // Acquiring.
        ["a session: acquire at once"] = (Busy(100), new Step(StepKind.Enable, S(100))),
        ["a failed acquire backs off"] = (Busy(100) with { Enables = new RetryBackoff(1, S(104)) }, Wait(104)),
        ["a release that may still land holds the acquire back"] = (Busy(100) with { MayLand = LateLandings.None with { DisableUntil = S(112) } }, Wait(112)),
        ["synchronous work unconfirmed for AcquireTimeout: tell it"] = (Busy(130) with { BusySince = S(100), Enables = new RetryBackoff(3, S(140)) }, new Step(StepKind.ReportNotConfirmed)),
        ["unconfirmed, already told: no second tell"] = (Busy(130) with { BusySince = S(100), SignalRaised = true, Enables = new RetryBackoff(3, S(140)) }, Wait(140)),
        ["only waiting sessions: nothing to tell"] = (Busy(130) with { Running = 0, BusySince = S(100), Enables = new RetryBackoff(3, S(140)) }, Wait(140)),
        ["past the cap, the period's last lease may still be on: cool down, no fresh cap"] = (Busy(7201) with { Lease = Held.Dropped(), ServerMayBeProtectedUntil = S(7210) }, new Step(StepKind.CooldownPastCap)),
        ["past the cap, a refused release's lease may still be on: cool down"] = (Busy(7201) with { Lease = Held.Dropped(), PeriodMayContinueUntil = S(7210) }, new Step(StepKind.CooldownPastCap)),
        ["past the cap, that lease has surely ended: a fresh period"] = (Busy(7211) with { Lease = Held.Dropped(), ServerMayBeProtectedUntil = S(7210) }, new Step(StepKind.Enable, S(7211))),
        ["before the cap, the lease may still be on: acquire (the period continues)"] = (Busy(3000) with { Lease = Held.Dropped(), ServerMayBeProtectedUntil = S(3010) }, new Step(StepKind.Enable, S(3000))),
        ["waiting only, the lease's lapse watch: end it, closing coverage"] = (Busy(418) with { Running = 0, Lease = Held, BusySince = S(410), Enables = new RetryBackoff(2, S(430)) }, new Step(StepKind.EndLease)),

        // Protected.
        ["protected: wait for the renewal"] = (Busy(200) with { Lease = Held, BusySince = S(0) }, Wait(260)),
        ["protected, the watchdog is later than the renewal"] = (Busy(280) with { Lease = Held, BusySince = S(0) }, Wait(300)),
        ["the renewal is due"] = (Busy(300) with { Lease = Held, BusySince = S(0) }, new Step(StepKind.Enable, S(300))),
        ["lateness counts from when sessions came back"] = (Busy(320) with { Lease = Held, BusySince = S(310) }, new Step(StepKind.Enable, S(310))),
        ["a failed renewal backs off, no later than the lapse watch"] = (Busy(301) with { Lease = Held, BusySince = S(0), Enables = new RetryBackoff(1, S(500)) }, Wait(417.999)),
        ["renewals keep failing: tell before the lease ends"] = (Busy(418) with { Lease = Held, BusySince = S(0), Enables = new RetryBackoff(9, S(430)) }, new Step(StepKind.ReportLapse)),
        ["the lapse was told: wait for the lease's end"] = (Busy(418) with { Lease = Held, BusySince = S(0), LapseReported = true, Lost = true, Enables = new RetryBackoff(9, S(430)) }, Wait(420)),
        ["the lease has run out"] = (Busy(420) with { Lease = Held, BusySince = S(0) }, new Step(StepKind.EndLease)),

        // The cap, its drain and the cool-down.
        ["the drain begins an hour before the cap"] = (Busy(3600) with { Lease = new Lease(true, S(3720), 0), BusySince = S(0) }, new Step(StepKind.Drain)),
        ["draining: renew as usual"] = (Busy(3600) with { Lease = new Lease(true, S(3720), 0), BusySince = S(0), Draining = true }, new Step(StepKind.Enable, S(3600))),
        ["the last renewal reached the cap: cap when it would be due"] = (Busy(7080) with { Lease = new Lease(true, S(7200), 0), BusySince = S(0), Draining = true }, new Step(StepKind.Cap)),
        ["capped: wait for the lease's end"] = (Busy(7100) with { Lease = new Lease(true, S(7200), 0), BusySince = S(0), Capped = true }, Wait(7160)),
        ["capped, lease ended, the sessions told: wait for the cool-down"] = (Busy(7210) with { Capped = true, CooldownUntil = S(7500), BusySince = S(0), SignalRaised = true }, Wait(7270)),
        ["the cool-down is over"] = (Busy(7500) with { Capped = true, CooldownUntil = S(7500), BusySince = S(0) }, new Step(StepKind.EndCooldown)),

        // Force-disabled.
        ["force-disabled: renewals stay stopped"] = (Busy(100) with { ForceDisabledAtEntered = 1, TotalEntered = 1 }, Wait(160)),
        ["a session entered after the force-disable"] = (Busy(100) with { ForceDisabledAtEntered = 1, TotalEntered = 2 }, new Step(StepKind.LeaveForceDisabled)),
        ["an enable may have landed after the force-disable: disable again"] = (At(120) with { ForceDisabledAtEntered = 1, TotalEntered = 1, DisableAgainAt = S(118) }, new Step(StepKind.DisableAgain)),
    };

    public static TheoryData<string> Names => [.. Rows.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Decides(string row)
    {
        (LoopFacts facts, Step expected) = Rows[row];

        Step step = Decider.Decide(facts).Step;

        Assert.Equal(expected.Kind, step.Kind);
        Assert.Equal(Seconds(expected.At), Seconds(step.At), precision: 6);
    }

    [Fact]
    public void The_schedule_comes_back_with_the_decision()
    {
        Decision busy = Decider.Decide(Busy(100));
        Decision idle = Decider.Decide(At(200) with { BusySince = S(100), ServerMayBeProtectedUntil = S(900) });

        Assert.Equal(100, Seconds(busy.BusySince));
        Assert.Equal(long.MaxValue, busy.ReleaseDueAt);
        Assert.Equal(long.MinValue, idle.BusySince);
        Assert.Equal(205, Seconds(idle.ReleaseDueAt));
    }

    [Theory]
    [InlineData(300, true, 417.999)] // a lease held with a session running: the lapse watch
    [InlineData(300, false, 130 - 2.001)] // no lease: AcquireTimeout after the task became busy, less the timer tolerance
    public void The_deadline_for_telling_running_sessions(double now, bool held, double deadline)
    {
        LoopFacts facts = Busy(now) with { Lease = held ? Held : Lease.None, BusySince = S(100) };

        (long at, bool lapse) = Decider.TellDeadline(facts);

        Assert.Equal(deadline, Seconds(at), precision: 6);
        Assert.Equal(held, lapse);
    }

    private static LoopFacts At(double now) => new(
        S(now), Active: 0, Running: 0, TotalEntered: 0, Lease.None, Capped: false, Draining: false, Lost: false, LapseReported: false, SignalRaised: false,
        CooldownUntil: long.MinValue, ForceDisabledAtEntered: -1, DisableAgainAt: long.MinValue, RetryBackoff.None, RetryBackoff.None, LateLandings.None,
        BusySince: long.MinValue, ReleaseDueAt: long.MaxValue, ServerMayBeProtectedUntil: long.MinValue);

    private static LoopFacts Busy(double now) => At(now) with { Active = 1, Running = 1, TotalEntered = 1 };

    private static Step Wait(double until) => Step.WaitUntil(S(until));
}
