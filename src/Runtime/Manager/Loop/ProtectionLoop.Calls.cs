namespace TaskProtection;

/// <summary>
/// The steps that call ECS: enable (acquire or renew), release and the release on stop (force-disables are in
/// <c>.ForceDisable</c>). Each records only what the answer confirmed, and every call counts as one that may still land
/// until a definite answer says otherwise.
/// </summary>
internal sealed partial class ProtectionLoop
{
    /// <summary>Sends an enable: a renewal when a lease is held (the minutes that reach the cap at most), else an acquire.</summary>
    /// <param name="dueAt">When it was due, to measure lateness.</param>
    /// <param name="stopping">Stops the call when the manager stops.</param>
    private async Task EnableAsync(long dueAt, CancellationToken stopping)
    {
        EnableAttempt attempt = BeginEnable(dueAt);
        Task<EnableConfirmation> call = _backend.EnableAsync(attempt.Minutes, stopping);
        await WatchCallAsync(call, stopping);
        EnableConfirmation confirmed;
        try
        {
            confirmed = await call;
        }
        catch (TaskProtectionCallException ex)
        {
            bool mayHaveLanded = ex.MayHaveLanded();
            _mayLand = _mayLand.AfterEnable(attempt.MayLandBefore, mayHaveLanded, _clock.Now + _landingTicks);
            if (!mayHaveLanded)
            {
                // Not applied: ECS protects the task no longer than before this call, so it neither extends a period nor,
                // over failures longer than the cap, makes one look past its cap.
                _serverMayBeProtectedUntil = attempt.ServerMayBeProtectedBefore;
            }

            OnEnableFailed(attempt.Renewing ? "Renewing protection" : "Acquiring protection", ex);
            return;
        }

        _mayLand = _mayLand.AfterEnable(attempt.MayLandBefore, mayHaveLanded: false, 0);
        OnEnableConfirmed(attempt, confirmed);
    }

    /// <summary>Records an enable about to go out: the server may be protected from now on, and the call may land.</summary>
    private EnableAttempt BeginEnable(long dueAt)
    {
        bool renewing = _lease.IsHeld;
        long sentAt = _clock.Now;

        // An acquire continues the period while ECS may still protect the task from it (a release failed or unconfirmed):
        // only a confirmed release, or that protection's possible end having passed, ends the period the cap counts.
        bool continuing = renewing || (sentAt < MayStillBeProtectedUntil && sentAt < _leases.CapEnd(_lease));
        if (!continuing)
        {
            // A fresh period may begin with this call, whether or not its answer comes: the cap counts from here, not from
            // an old period whose end has passed (which would cool the task down again after every unanswered acquire).
            _lease = _lease with { ProtectedSince = sentAt };
        }

        int minutes = continuing ? _leases.MinutesToCap(_lease, sentAt) : _leases.Minutes;
        var attempt = new EnableAttempt(renewing, continuing, _lease.Expiry, sentAt, dueAt, minutes, _enables.Failures == 0, _serverMayBeProtectedUntil, _mayLand);
        _serverMayBeProtectedUntil = Math.Max(
            _serverMayBeProtectedUntil,
            sentAt + _requestTimeoutTicks + _landingTicks + _clock.ToTicks(TimeSpan.FromMinutes(minutes)) + _toleranceTicks);
        _lastAttemptWasRelease = false;
        _mayLand = _mayLand.BeforeEnable(sentAt, minutes, sentAt + _callOutTicks + _landingTicks);
        Commit();
        return attempt;
    }

    private void OnEnableConfirmed(EnableAttempt attempt, EnableConfirmation confirmed)
    {
        if (_forceDisabledAtEntered >= 0)
        {
            // Another process force-disabled protection while this call was out: its answer changes nothing here.
            Commit();
            return;
        }

        if (confirmed.CoolingDownUntil is { } cooldownUntil)
        {
            // Nothing was sent: the task cools down after its cap, whichever process's sessions brought it there.
            _serverMayBeProtectedUntil = attempt.ServerMayBeProtectedBefore;
            EnterCooldown(cooldownUntil);
            return;
        }

        // An answer after the previous lease ended may hide a gap: the call may have reached ECS after that lease expired.
        bool gapped = attempt.Renewing && _clock.Now >= attempt.PreviousExpiry;
        if (gapped)
        {
            ReportLapse();
        }

        long sentAt = attempt.SentAt;
        long? covered = confirmed.SharedExpiry is { } shared ? Math.Max(0, shared - sentAt) : null;
        int minutes = _mayLand.CountedMinutes(sentAt, attempt.Minutes);
        long periodBefore = _lease.ProtectedSince;
        // A gapped renewal is told as a lapse, yet for the cap it continues the period: it left before the lease ended and
        // may have reached ECS in time, so ECS may have protected the task without a break.
        _lease = _leases.Confirm(_lease, sentAt, minutes, continuous: attempt.Continuing, covered, confirmed.SharedSince);
        if (_lease.ProtectedSince != periodBefore)
        {
            // A new continuous period: the drain was for the old one's cap (a drain asked for is decided again).
            _draining = false;
        }

        _disableAgainAt = long.MinValue;
        _lapseReported = false;
        _lost = false;
        _enables = RetryBackoff.None;
        _lastError = null;
        bool restored = _signal.TryReset();
        LogConfirmed(attempt.Renewing, attempt.FirstAttempt, attempt.Minutes, sentAt - attempt.DueAt);
        if (restored)
        {
            Log.ProtectionRestored(_logger);
        }

        _coverageOpen = true;
        Commit();
    }

    private async Task ReleaseAsync(CancellationToken stopping)
    {
        // Close coverage first, then look again: either a session entering now sees no coverage and waits, or we see it
        // and keep the lease (both sides use full fences).
        _releasing = true;
        bool wasOpen = _coverageOpen;
        _coverageOpen = false;
        Commit();
        Log.Releasing(_logger, _options.ReleaseDelay);
        if (_sessions.Active > 0)
        {
            // A session came: keep the lease, and wake any session that saw coverage closed meanwhile.
            _releasing = false;
            _coverageOpen = wasOpen;
            Commit();
            return;
        }

        // ReleaseDueAt stays: a retry after a failed release waits for its backoff, not for another release delay.
        _lease = _lease.Dropped();
        bool released;
        try
        {
            released = await DisableAsync("Releasing protection", stopping);
        }
        finally
        {
            // Whatever ended the call: Releasing outranks every other mode but Stopped and Faulted, so a stale mark
            // would hide the drain, a force-disable or a loss from the sessions that look at the mode.
            _releasing = false;
        }

        if (released)
        {
            _releases = RetryBackoff.None;
            _lastError = null;
            Log.Released(_logger);
        }

        Commit();
    }

    /// <summary>
    /// After the loop has stopped: releases protection if the task may still hold it (one attempt, bounded by
    /// RequestTimeout), and once more after an enable given up on can no longer land, if one may land after the first.
    /// Sessions still active are told first, even when nothing is left to release: no one renews for them from now on.
    /// </summary>
    /// <returns>Null when released (or nothing was held), else why the release failed.</returns>
    public async Task<Exception?> ReleaseOnStopAsync()
    {
        IReadOnlyList<ActiveSessionInfo> sessions = _sessions.Snapshot();
        _stopped = true;
        _lease = _lease.Dropped();
        _coverageOpen = false;
        _backend.NoLongerNeeded();
        if (sessions.Count > 0)
        {
            Log.StoppingWithSessions(_logger, sessions.Count, SessionText.Describe(sessions));
        }

        Commit(Tell.Active(ProtectionLossReason.Stopped, "the manager stopped while sessions still run: nothing renews their protection any more"));
        Exception? failure = await ReleaseOnceOnStopAsync();
        long enableMayLandUntil = _mayLand.EnableUntil;
        if (failure is null && enableMayLandUntil > _clock.Now)
        {
            // The stop gave up on an enable that may reach ECS after the release above: release again once it cannot. The
            // landing is a real-world bound, so a clock that tests hold still does not make the stop wait for ever.
            TimeSpan landing = _clock.WholeMillisecondsUp(enableMayLandUntil - _clock.Now);
            await Task.WhenAny(_dispatcher.Delay(landing, CancellationToken.None), Task.Delay(landing, TimeProvider.System));
            _serverMayBeProtectedUntil = long.MaxValue;
            failure = await ReleaseOnceOnStopAsync();
        }

        Commit();
        return failure;
    }

    private async Task<Exception?> ReleaseOnceOnStopAsync()
    {
        if (_clock.Now >= _serverMayBeProtectedUntil)
        {
            return null;
        }

        try
        {
            await _backend.DisableAsync(CancellationToken.None);
            _serverMayBeProtectedUntil = long.MinValue;
            Log.Released(_logger);
            return null;
        }
        catch (TaskProtectionCallException ex)
        {
            Log.ReleaseOnStopFailed(_logger, ex);
            return ex;
        }
    }

    /// <summary>One disable call as a release; false when it failed (recorded, backed off).</summary>
    private async Task<bool> DisableAsync(string operation, CancellationToken stopping)
    {
        _lastAttemptWasRelease = true;
        if (await SendDisableAsync(stopping) is { } failure)
        {
            OnReleaseFailed(operation, failure);
            return false;
        }

        return true;
    }

    /// <summary>One disable call, its deadlines kept and what may still land recorded; null when confirmed, else why not.</summary>
    private async Task<TaskProtectionCallException?> SendDisableAsync(CancellationToken stopping, string? forceReason = null)
    {
        long sentAt = _clock.Now;
        LateLandings before = _mayLand;
        _mayLand = _mayLand.BeforeDisable(sentAt + _callOutTicks + _landingTicks);
        try
        {
            Task call = forceReason is null ? _backend.DisableAsync(stopping) : _backend.ForceDisableAsync(forceReason, stopping);
            await WatchCallAsync(call, stopping);
            await call;
        }
        catch (TaskProtectionCallException ex)
        {
            _mayLand = _mayLand.AfterDisable(before, ex.MayHaveLanded(), _clock.Now + _landingTicks);
            return ex;
        }

        _mayLand = _mayLand.AfterDisable(before, mayHaveLanded: false, 0);
        OnDisabled(sentAt);
        return null;
    }

    private void OnEnableFailed(string operation, TaskProtectionCallException error)
    {
        NoteFailure(error);
        CallFailure failure = error.Classify();
        if (failure != CallFailure.Retryable)
        {
            // Tell first: nothing that could throw may stand between a refusal and the sessions hearing of it.
            _lost = true;
            _coverageOpen = false;
            Commit(Tell.Always(ProtectionLossReason.Refused, "ECS refused task protection: " + error.Message, error));
        }

        (_enables, TimeSpan retryIn) = _enables.OnFailure(failure, _clock.Now, _retry, _jitter(), _clock);
        switch (failure)
        {
            case CallFailure.Retryable:
                Log.CallFailedRetrying(_logger, operation, _enables.Failures, retryIn, error.Message);
                break;
            case CallFailure.Blocked:
                Log.DeploymentBlocked(_logger, operation, _enables.Failures, retryIn, error.Message);
                break;
            default:
                Log.EnableGaveUp(_logger, operation, retryIn, error);
                break;
        }

        Commit();
    }

    private void OnReleaseFailed(string operation, TaskProtectionCallException error)
    {
        long now = _clock.Now;
        NoteFailure(error);
        (_releases, TimeSpan retryIn) = _releases.OnFailure(error.IsRetryable ? CallFailure.Retryable : CallFailure.Refused, now, _retry, _jitter(), _clock);
        if (error.IsRetryable)
        {
            Log.CallFailedRetrying(_logger, operation, _releases.Failures, retryIn, error.Message);
        }
        else
        {
            // Retrying cannot help: the lease runs to its expiry, and so does the period the cap counts.
            Log.CallGaveUp(_logger, operation, error);
            _periodMayContinueUntil = Math.Max(_periodMayContinueUntil, _serverMayBeProtectedUntil);
            _serverMayBeProtectedUntil = long.MinValue;

            // No release will come to end a drain: it is over once that lease may have run out, and a cool-down follows.
            EndDrain(Math.Max(now, _periodMayContinueUntil));
        }

        Commit();
    }

    private void NoteFailure(TaskProtectionCallException error)
    {
        _lastError = error.Message;
        _lastErrorAt = _clock.Now;
    }

    /// <summary>
    /// A confirmed disable sent at <paramref name="sentAt"/>: nothing is held, unless an enable abandoned before may still
    /// land after it (then disable once more when it no longer can). After the cap, the cool-down runs from now if sooner.
    /// </summary>
    private void OnDisabled(long sentAt)
    {
        long now = _clock.Now;
        long enableMayLandUntil = _mayLand.EnableUntil;
        _periodMayContinueUntil = long.MinValue;
        if (enableMayLandUntil > sentAt)
        {
            _disableAgainAt = enableMayLandUntil;
            _serverMayBeProtectedUntil = enableMayLandUntil + _leases.LeaseTicks + _toleranceTicks;
        }
        else
        {
            _disableAgainAt = long.MinValue;
            _serverMayBeProtectedUntil = long.MinValue;
        }

        if (_draining)
        {
            EndDrain(now);
        }
        else if (_capped)
        {
            _cooldownUntil = Math.Min(_cooldownUntil, now + _cooldownTicks);
            Commit(Tell.Running(ProtectionLossReason.MaxDurationReached, CapWhy()));
        }
    }

    private void LogConfirmed(bool renewing, bool firstAttempt, int minutes, long lateTicks)
    {
        if (!renewing)
        {
            Log.Acquired(_logger, minutes, _sessions.Active);
            return;
        }

        TimeSpan late = _clock.ToSpan(Math.Max(0, lateTicks));
        _metrics.RenewalLate(late);
        Log.Renewed(_logger, minutes, late);
        if (late > _options.SchedulingTolerance && firstAttempt)
        {
            Log.RenewalLate(_logger, late, _options.SchedulingTolerance);
        }
    }

    /// <summary>An enable as it went out: what its answer is judged against.</summary>
    /// <param name="Renewing">Whether a lease was held (a renewal), else an acquire.</param>
    /// <param name="Continuing">Whether it continues the current period: a renewal, or an acquire while ECS may still protect the task.</param>
    /// <param name="PreviousExpiry">The held lease's expiry when it went out.</param>
    /// <param name="SentAt">When it went out.</param>
    /// <param name="DueAt">When it was due, to measure lateness.</param>
    /// <param name="Minutes">The minutes it asked for.</param>
    /// <param name="FirstAttempt">Whether no enable had failed since the last success.</param>
    /// <param name="ServerMayBeProtectedBefore">Until when the server may have been protected before it.</param>
    /// <param name="MayLandBefore">What could land before it went out.</param>
    private readonly record struct EnableAttempt(
        bool Renewing,
        bool Continuing,
        long PreviousExpiry,
        long SentAt,
        long DueAt,
        int Minutes,
        bool FirstAttempt,
        long ServerMayBeProtectedBefore,
        LateLandings MayLandBefore);
}
