namespace TaskProtection;

/// <summary>One step: take what other threads handed over, decide, and carry it out.</summary>
internal sealed partial class ProtectionLoop
{
    private async Task StepAsync(Task wake, CancellationToken stopping)
    {
        TakeRemoteForceDisable();
        while (_commands.TryDequeue(out ForceDisableRequest? request))
        {
            await ForceDisableAsync(request, stopping);
        }

        long now = _clock.Now;
        Decision decision = _decider.Decide(Facts(now));
        _busySince = decision.BusySince;
        _releaseDueAt = decision.ReleaseDueAt;
        Step step = decision.Step;
        switch (step.Kind)
        {
            case StepKind.Wait:
                Commit();
                await WaitAsync(wake, step.At - now, stopping);
                break;
            case StepKind.Enable:
                await EnableAsync(step.At, stopping);
                break;
            case StepKind.Release:
                await ReleaseAsync(stopping);
                break;
            case StepKind.DisableAgain:
                await DisableAgainAsync(stopping);
                break;
            default:
                Transition(step.Kind);
                break;
        }
    }

    /// <summary>The steps that change only the loop's own state (and tell the application); the loop decides again at once.</summary>
    private void Transition(StepKind kind)
    {
        switch (kind)
        {
            case StepKind.EndLease:
                EndLease();
                break;
            case StepKind.ReportLapse:
                ReportLapse();
                break;
            case StepKind.Cap:
                Cap();
                break;
            case StepKind.Drain:
                Drain();
                break;
            case StepKind.Undrain:
                Undrain();
                break;
            case StepKind.CooldownPastCap:
                EnterCooldown(MayStillBeProtectedUntil + _cooldownTicks);
                break;
            case StepKind.EndCooldown:
                _capped = false;
                Log.CooldownOver(_logger);
                Commit();
                break;
            case StepKind.LeaveForceDisabled:
                LeaveForceDisabled();
                break;
            case StepKind.ReportNotConfirmed:
                Commit(Tell.Running(ProtectionLossReason.NotConfirmed, NotConfirmedWhy()));
                break;
            case StepKind.GoIdle:
                GoIdle();
                break;
        }
    }

    private void EndLease()
    {
        _lease = _lease.Dropped();
        _coverageOpen = false;
        _backend.NoLongerNeeded();
        EndDrain(_clock.Now);

        // Running sessions were told when the cap was decided, or when they entered, and then this is a no-op; a lease
        // that ran out otherwise is a lapse.
        if (_capped)
        {
            Commit(Tell.Running(ProtectionLossReason.MaxDurationReached, CapWhy()));
        }
        else
        {
            ReportLapse();
        }
    }

    /// <summary>
    /// New sessions are refused from now on (waiting ones re-check and hear it); running ones stay protected. Before the cap
    /// the cool-down follows the release; a drain that was asked for only releases.
    /// </summary>
    private void Drain()
    {
        _draining = true;
        _coverageOpen = false;
        long now = _clock.Now;
        _drainingBeforeCap = now >= _leases.DrainFrom(_lease);
        string sessions = SessionText.Describe(_sessions.Snapshot());
        if (_drainingBeforeCap)
        {
            Log.Draining(_logger, _options.CapDrain, _clock.ToUtc(_leases.CapEnd(_lease), now, _clock.UtcNow), sessions);
        }
        else
        {
            Log.StoppedTakingWork(_logger, _intake.StoppedBecause ?? "asked to", sessions);
        }

        Commit();
    }

    /// <summary>Taking work resumed before the cap's drain: the confirmed lease covers new sessions again.</summary>
    private void Undrain()
    {
        _draining = false;
        _coverageOpen = _lease.IsHeld;
        Log.TakingWorkAgain(_logger);
        Commit();
    }

    /// <summary>No renewal can extend protection without passing the cap: renewals stop, running sessions are told.</summary>
    private void Cap()
    {
        _draining = false;
        _capped = true;
        _coverageOpen = false;
        _cooldownUntil = _lease.Expiry + _cooldownTicks;
        long now = _clock.Now;
        DateTimeOffset utcNow = _clock.UtcNow;
        Log.Capped(
            _logger,
            _options.MaxProtectionDuration,
            _clock.ToUtc(_lease.Expiry, now, utcNow),
            _clock.ToUtc(_cooldownUntil, now, utcNow),
            SessionText.Describe(_sessions.Snapshot()));
        int running = Commit(Tell.Running(ProtectionLossReason.MaxDurationReached, CapWhy()));
        _metrics.Capped(running);
    }

    /// <summary>
    /// The drain is over with protection (released, or run out): ECS's window, the cool-down, starts now, as after the
    /// cap. A synchronous session that entered while the release was on its way runs unprotected: it is told.
    /// </summary>
    private void EndDrain(long now)
    {
        if (!_draining)
        {
            return;
        }

        _draining = false;
        if (!_drainingBeforeCap)
        {
            // A drain that was asked for: released, and nothing more.
            Commit();
            return;
        }

        _capped = true;
        _cooldownUntil = now + _cooldownTicks;
        Commit(Tell.Running(ProtectionLossReason.MaxDurationReached, CapWhy()));
    }

    /// <summary>
    /// The task cools down after its cap: another process of the task reached it (its processes share one period, so one
    /// cap), or this one wants to acquire past the cap while the period's last lease may still be in force. Nothing renews
    /// here until the cool-down ends; running sessions are told.
    /// </summary>
    private void EnterCooldown(long until)
    {
        _draining = false;
        _capped = true;
        _cooldownUntil = Math.Max(_cooldownUntil, until);
        _coverageOpen = false;
        _enables = RetryBackoff.None;
        _backend.NoLongerNeeded();
        long now = _clock.Now;
        DateTimeOffset utcNow = _clock.UtcNow;
        Log.Capped(_logger, _options.MaxProtectionDuration, _clock.ToUtc(_lease.IsHeld ? _lease.Expiry : now, now, utcNow), _clock.ToUtc(_cooldownUntil, now, utcNow), SessionText.Describe(_sessions.Snapshot()));
        string why = $"the task's continuous protection (shared by its processes, and kept by a lease that may still be in force) reaches MaxProtectionDuration ({DurationText.Format(_options.MaxProtectionDuration)}); it may be acquired again from {_clock.ToUtc(_cooldownUntil, now, utcNow):O}";
        Commit(Tell.Running(ProtectionLossReason.MaxDurationReached, why));
    }

    /// <summary>A session entered after a force-disable: protection may be acquired again.</summary>
    private void LeaveForceDisabled()
    {
        _forceDisabledAtEntered = -1;

        // A session that entered while force-disabled found no cool-down to hear of; it runs in one.
        Commit(_capped ? Tell.Running(ProtectionLossReason.MaxDurationReached, CapWhy()) : default);
    }

    /// <summary>No session and nothing held: the work that lost protection is over, the next session tries afresh.</summary>
    private void GoIdle()
    {
        if (_sessions.Active > 0)
        {
            // A session came since the decision, admitted as told: the loss stays raised until protection is confirmed for it.
            Commit();
            return;
        }

        _lease = _lease.Dropped();
        _coverageOpen = false;
        _enables = RetryBackoff.None;
        _releases = RetryBackoff.None;
        _lost = false;
        _lapseReported = false;
        _signal.TryReset();
        Commit();
    }
}
