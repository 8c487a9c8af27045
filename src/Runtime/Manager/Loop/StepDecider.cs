namespace TaskProtection;

/// <summary>
/// Decides the loop's next step from the lease, the sessions and the clock. It does no I/O and raises nothing: it
/// only keeps the schedule (when the task became busy, when a release is due) and says what comes next.
/// </summary>
/// <remarks>
/// Sessions are counted two ways: <c>active</c> (all of them) and <c>running</c> (those whose body may be running:
/// every active session except those still waiting in EnterAsync). Telling the application is owed to running ones.
/// </remarks>
internal sealed class StepDecider(ManagerContext context, LoopState state)
{
    private readonly long _checkTicks = context.Clock.ToTicks(context.Options.CheckInterval);
    private readonly long _releaseDelayTicks = context.Clock.ToTicks(context.Options.ReleaseDelay);
    private readonly long _acquireTimeoutTicks = context.Clock.ToTicks(context.Options.AcquireTimeout);

    // Timers may fire this late: deadlines for telling the application are armed that much early.
    private readonly long _lateTicks = context.Clock.ToTicks(context.Options.SchedulingTolerance + GapBudget.TimerResolution);

    public Step Decide(long now, int active, int running)
    {
        LeaseState lease = state.Lease;
        if (lease.IsHeld && now >= lease.Expiry)
        {
            return new Step(StepKind.EndLease);
        }

        if (now >= LapseDeadline(running))
        {
            return new Step(StepKind.ReportLapse);
        }

        if (state.Capped && !lease.IsHeld && now >= state.CooldownUntil)
        {
            return new Step(StepKind.EndCooldown);
        }

        long forceDisabledAt = context.State.ForceDisabledAtEntered;
        if (forceDisabledAt >= 0)
        {
            // Renewals stay stopped until a session entered after the force-disable needs protection.
            if (active > 0 && context.Registry.TotalEntered > forceDisabledAt)
            {
                return new Step(StepKind.LeaveForceDisabled);
            }

            bool again = state.DisableAgainAt != long.MinValue;
            return again && now >= state.DisableAgainAt && now >= state.ReleaseBackoff.NextAttemptAt
                ? new Step(StepKind.DisableAgain)
                : Step.WaitUntil(again ? Math.Max(state.DisableAgainAt, state.ReleaseBackoff.NextAttemptAt) : now + _checkTicks);
        }

        return active > 0 ? DecideBusy(now, running) : DecideIdle(now);
    }

    private Step DecideBusy(long now, int running)
    {
        state.ReleaseDueAt = long.MaxValue;
        if (state.BusySince == long.MinValue)
        {
            state.BusySince = now;
        }

        LeaseState lease = state.Lease;
        long watchdog = now + _checkTicks;
        if (state.Capped)
        {
            return Step.WaitUntil(Math.Min(watchdog, lease.IsHeld ? lease.Expiry : state.CooldownUntil));
        }

        if (!lease.IsHeld)
        {
            return DecideAcquire(now, running, watchdog);
        }

        if (!state.Draining && now >= lease.DrainFrom)
        {
            return new Step(StepKind.Drain);
        }

        // While sessions run, every wait ends by the lapse watch, so that a lapse is reported before the lease ends;
        // and by the drain, so that sessions waiting then hear at once that they are refused.
        long lapseWatch = Math.Min(Math.Min(LapseDeadline(running), lease.Expiry), state.Draining ? long.MaxValue : lease.DrainFrom);
        if (lease.NextRenewal() is not { } plan)
        {
            return now >= lease.RenewalDue ? new Step(StepKind.Cap) : Step.WaitUntil(Min(lease.RenewalDue, watchdog, lapseWatch));
        }

        if (now < plan.At)
        {
            return Step.WaitUntil(Min(plan.At, watchdog, lapseWatch));
        }

        long retryAt = state.EnableBackoff.NextAttemptAt;
        if (now < retryAt)
        {
            return Step.WaitUntil(Math.Min(retryAt, lapseWatch));
        }

        // Lateness counts from when the renewal was needed: not from a due time that passed while no session ran.
        return new Step(StepKind.Enable, Math.Max(plan.At, state.BusySince));
    }

    private Step DecideAcquire(long now, int running, long watchdog)
    {
        long notConfirmedAt = NotConfirmedDeadline(running);
        if (now >= notConfirmedAt)
        {
            return new Step(StepKind.ReportNotConfirmed);
        }

        // A disable that may still land would undo this enable: wait until it no longer can.
        long at = Math.Max(state.EnableBackoff.NextAttemptAt, state.MayLand.DisableUntil);
        return now >= at ? new Step(StepKind.Enable, now) : Step.WaitUntil(Min(at, watchdog, notConfirmedAt));
    }

    private Step DecideIdle(long now)
    {
        state.BusySince = long.MinValue;

        // No session: release once the delay has passed, while the agent may still hold protection for us.
        if (now < state.ServerMayBeProtectedUntil)
        {
            if (state.ReleaseDueAt == long.MaxValue)
            {
                state.ReleaseDueAt = now + _releaseDelayTicks;
            }

            long at = Math.Max(Math.Max(state.ReleaseDueAt, state.ReleaseBackoff.NextAttemptAt), state.DisableAgainAt);
            return now >= at ? new Step(StepKind.Release) : Step.WaitUntil(at);
        }

        if (state.Lease.IsHeld || state.Lost || state.LapseReported || context.Signal.IsRaised
            || state.EnableBackoff.NextAttemptAt != 0 || state.ReleaseBackoff.NextAttemptAt != 0)
        {
            return new Step(StepKind.GoIdle);
        }

        long watchdog = now + _checkTicks;
        return Step.WaitUntil(state.Capped ? Math.Min(watchdog, state.CooldownUntil) : watchdog);
    }

    /// <summary>
    /// The next moment running sessions must be told something if nothing changes before (the lapse watch while a lease
    /// is held, else the acquire timeout), and which; long.MaxValue when nothing is owed. Notes the task busy if it is.
    /// </summary>
    public (long At, bool Lapse) TellDeadline(long now, int running)
    {
        if (context.Registry.ActiveCount > 0 && state.BusySince == long.MinValue)
        {
            state.BusySince = now;
        }

        long lapse = LapseDeadline(running);
        long notConfirmed = NotConfirmedDeadline(running);
        return lapse <= notConfirmed ? (lapse, true) : (notConfirmed, false);
    }

    /// <summary>
    /// While renewing: when running sessions must hear that the lease ends unrenewed (the lapse watch); long.MaxValue
    /// when nothing is owed.
    /// </summary>
    public long LapseDeadline(int running) =>
        state.Lease.IsHeld && running > 0 && !state.Capped && !state.LapseReported ? state.Lease.LapseAt : long.MaxValue;

    /// <summary>
    /// While acquiring: when sessions that did not wait for protection (synchronous ones) must hear that it is not
    /// confirmed: AcquireTimeout after the task became busy, less the timer tolerance. long.MaxValue when nothing is owed.
    /// </summary>
    public long NotConfirmedDeadline(int running) =>
        !state.Lease.IsHeld && running > 0 && !context.Signal.IsRaised && state.BusySince != long.MinValue
            ? state.BusySince + _acquireTimeoutTicks - _lateTicks
            : long.MaxValue;

    private static long Min(long a, long b, long c) => Math.Min(a, Math.Min(b, c));
}
