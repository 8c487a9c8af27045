namespace TaskProtection;

/// <summary>
/// The loop's steps that call the agent: enable (acquire or renew), release, force-disable and the release on stop.
/// Each records only what the agent confirmed; coverage opens only after a confirmed lease is recorded.
/// </summary>
/// <remarks>Its awaits resume on the loop's scheduler, so they omit ConfigureAwait.</remarks>
internal sealed class AgentSteps(ManagerContext context, LoopState state, AgentCaller agent, LoopStatus status, LossReporter losses, StepDecider decider)
{
    private readonly ManagerClock _clock = context.Clock;
    private readonly long _requestTimeoutTicks = context.Clock.ToTicks(context.Options.RequestTimeout);
    private readonly long _toleranceTicks = context.Clock.ToTicks(context.Options.SchedulingTolerance);
    private readonly long _cooldownTicks = context.Clock.ToTicks(context.Options.MaxProtectionCooldown);
    private readonly long _landingTicks = context.Clock.ToTicks(GapBudget.LateLandingWindow);

    /// <summary>Sends an enable: a renewal when a lease is held (the minutes that reach the cap at most), else an acquire.</summary>
    /// <param name="dueAt">When it was due, to measure lateness.</param>
    /// <param name="stopping">Stops the call when the manager stops.</param>
    public async Task EnableAsync(long dueAt, CancellationToken stopping)
    {
        LeaseState lease = state.Lease;
        bool renewing = lease.IsHeld;
        long previousExpiry = lease.Expiry;
        long sentAt = _clock.Now;
        DateTimeOffset sentAtUtc = _clock.UtcNow;
        int minutes = renewing ? lease.MinutesToCap(sentAt) : lease.Minutes;
        state.ServerMayBeProtectedUntil = Math.Max(
            state.ServerMayBeProtectedUntil,
            sentAt + _requestTimeoutTicks + _landingTicks + _clock.ToTicks(TimeSpan.FromMinutes(minutes)) + _toleranceTicks);
        bool firstAttempt = state.EnableBackoff.Failures == 0;
        state.LastAttempted = state.EnableBackoff;
        LateLandings.Pending pending = state.MayLand.BeforeEnable(sentAt, minutes);
        status.Publish();
        Task<TaskProtectionState> call = agent.EnableAsync(minutes, stopping);
        await WatchCallAsync(call, stopping);
        TaskProtectionState answer;
        try
        {
            answer = await call;
        }
        catch (TaskProtectionCallException ex)
        {
            state.MayLand.AfterEnable(pending, ex);
            OnEnableFailed(renewing ? "Renewing protection" : "Acquiring protection", ex);
            return;
        }

        state.MayLand.AfterEnable(pending, null);

        // An answer after the previous lease ended may hide a gap: the call may have reached ECS after that lease expired.
        bool gapped = renewing && _clock.Now >= previousExpiry;
        if (gapped)
        {
            losses.ReportLapse();
        }

        lease.Confirm(sentAt, state.MayLand.CountedMinutes(sentAt, minutes), continuous: renewing && !gapped, Covered(answer, sentAtUtc));
        OnEnabled();
        LogConfirmed(renewing, firstAttempt, minutes, sentAt - dueAt);

        // Open the gate last, so that what a session's work logs always comes after the protection it runs under.
        context.Gate.Open(lease.CoverageUntil);
        context.Gate.Pulse();
    }

    /// <summary>With coordination, the shared lease's length from the send time (conservative, on this host's clock); else null.</summary>
    private long? Covered(TaskProtectionState answer, DateTimeOffset sentAtUtc) =>
        context.Coordinated && answer.ExpirationDate is { } expires ? Math.Max(0, _clock.ToTicks(expires - sentAtUtc)) : null;

    public async Task ReleaseAsync(CancellationToken stopping)
    {
        // Close coverage first, then look again: either a session entering now sees no coverage and waits,
        // or we see it and keep the lease (both sides use full fences).
        long coverage = context.Gate.Close(_clock.Now);
        ProtectionMode previousMode = context.State.ExchangeMode(ProtectionMode.Releasing);
        Log.Releasing(context.Logger, context.Options.ReleaseDelay);
        if (context.Registry.ActiveCount > 0)
        {
            // A session came: keep the lease, and wake any session that saw coverage closed meanwhile.
            context.Gate.Restore(coverage);
            context.State.SetMode(previousMode);
            context.Gate.Pulse();
            return;
        }

        // ReleaseDueAt stays: a retry after a failed release waits for its backoff, not for another release delay.
        state.Lease.Drop();
        if (!await DisableAsync("Releasing protection", stopping))
        {
            return;
        }

        state.ReleaseBackoff.Reset();
        state.LastError = null;
        status.Publish();
        context.Gate.Pulse();
        Log.Released(context.Logger);
    }

    public async Task ForceDisableAsync(ForceDisableRequest request, CancellationToken stopping)
    {
        context.State.ForceDisabledAtEntered = context.Registry.TotalEntered;
        context.Gate.Close(_clock.Now);
        state.Lease.Drop();
        Log.ForceDisabled(context.Logger, request.Reason, SessionText.Describe(context.Registry.GetActiveSessions()));
        if (context.RunningSessions > 0)
        {
            losses.Raise(ProtectionLossReason.ForceDisabled, "protection was force-disabled: " + request.Reason, null);
        }

        status.Publish();
        context.Gate.Pulse();
        if (request.Remote)
        {
            // Another process of the task sent the disable: nothing to send, renewals stop here too.
            agent.AcknowledgeRemoteForceDisable();
            request.Completion.TrySetResult();
            return;
        }

        try
        {
            if (await SendDisableAsync(stopping, request.Reason) is { } failure)
            {
                // Renewals stay stopped; the lease may run to its expiry. The caller decides whether to try again.
                status.OnCallFailed(failure, _clock.Now);
                request.Completion.TrySetException(failure);
            }
            else
            {
                request.Completion.TrySetResult();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The manager is stopping: its release on stop answers this request.
            context.Commands.Enqueue(request);
            throw;
        }

        status.Publish();
    }

    /// <summary>Force-disabled, and an enable abandoned before may have landed after that disable: disable again.</summary>
    public async Task DisableAgainAsync(CancellationToken stopping)
    {
        if (await DisableAsync("Disabling protection again after an earlier enable may have landed", stopping))
        {
            state.ReleaseBackoff.Reset();
            status.Publish();
        }
    }

    /// <summary>
    /// After the loop has stopped: releases protection if the task may still hold it (one attempt, bounded by
    /// RequestTimeout). Sessions still running are told first, even when nothing is left to release: no one renews for
    /// them from now on (with coordination, another process's lease may cover them a while longer, but not for long).
    /// </summary>
    /// <returns>Null when released (or nothing was held), else why the release failed.</returns>
    public async Task<Exception?> ReleaseOnStopAsync()
    {
        IReadOnlyList<ActiveSessionInfo> sessions = context.Registry.GetActiveSessions();
        state.Lease.Drop();
        context.Gate.Close(_clock.Now);
        if (sessions.Count > 0)
        {
            Log.StoppingWithSessions(context.Logger, sessions.Count, SessionText.Describe(sessions));
            losses.Raise(ProtectionLossReason.Stopped, "the manager stopped while sessions still run: nothing renews their protection any more", null);
        }

        if (_clock.Now >= state.ServerMayBeProtectedUntil)
        {
            return null;
        }

        Exception? failure = null;
        try
        {
            await agent.DisableAsync(CancellationToken.None);
            state.ServerMayBeProtectedUntil = long.MinValue;
            Log.Released(context.Logger);
        }
        catch (TaskProtectionCallException ex)
        {
            failure = ex;
            Log.CallRefused(context.Logger, "Releasing protection on stop", ex.Message);
        }

        status.Publish(ProtectionMode.Stopped);
        return failure;
    }

    /// <summary>
    /// Waits for a call while keeping the application's deadlines: if it is still out when running sessions must be told
    /// (the lapse watch while a lease is held, AcquireTimeout for sessions that did not wait), they are told then, not
    /// when the call finally ends. Wakes re-evaluate: a session may start meanwhile.
    /// </summary>
    private async Task WatchCallAsync(Task call, CancellationToken stopping)
    {
        while (!call.IsCompleted && !stopping.IsCancellationRequested)
        {
            Task wake = context.Wake.Arm();
            long now = _clock.Now;
            (long deadline, bool lapse) = decider.TellDeadline(now, context.RunningSessions);
            if (now >= deadline)
            {
                if (lapse)
                {
                    losses.ReportLapse();
                }
                else
                {
                    losses.ReportNotConfirmed();
                }

                continue;
            }

            using var cancelDelay = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            Task delay = deadline == long.MaxValue
                ? Task.Delay(Timeout.InfiniteTimeSpan, _clock.Provider, cancelDelay.Token)
                : Task.Delay(_clock.WholeMillisecondsUp(deadline - now), _clock.Provider, cancelDelay.Token);
            await Task.WhenAny(call, delay, wake);
            cancelDelay.Cancel();
        }
    }

    /// <summary>One disable call as a release; false when it failed (recorded, backed off).</summary>
    private async Task<bool> DisableAsync(string operation, CancellationToken stopping)
    {
        state.LastAttempted = state.ReleaseBackoff;
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
        LateLandings.Pending pending = state.MayLand.BeforeDisable(sentAt);
        try
        {
            Task call = forceReason is null ? agent.DisableAsync(stopping) : agent.ForceDisableAsync(forceReason, stopping);
            await WatchCallAsync(call, stopping);
            await call;
        }
        catch (TaskProtectionCallException ex)
        {
            state.MayLand.AfterDisable(pending, ex);
            return ex;
        }

        state.MayLand.AfterDisable(pending, null);
        OnDisabled(sentAt);
        return null;
    }

    /// <summary>A confirmed enable: protection holds again; a pending repeat of a disable is moot, losses are over.</summary>
    private void OnEnabled()
    {
        state.DisableAgainAt = long.MinValue;
        state.LapseReported = false;
        state.Lost = false;
        state.EnableBackoff.Reset();
        state.LastError = null;
        status.Publish();
        if (context.Signal.TryReset())
        {
            Log.ProtectionRestored(context.Logger);
        }
    }

    private void OnEnableFailed(string operation, TaskProtectionCallException error)
    {
        long now = _clock.Now;
        status.OnCallFailed(error, now);
        if (!error.IsRetryable)
        {
            // Tell first: nothing that could throw may stand between a refusal and the sessions hearing of it.
            context.Gate.Close(now);
            state.Lost = true;
            losses.Raise(ProtectionLossReason.Refused, "ECS refused task protection: " + error.Message, error);
            Log.CallRefused(context.Logger, operation, error.Message);
            state.EnableBackoff.OnFailure(error, now);
            status.Publish();
            return;
        }

        TimeSpan retryIn = state.EnableBackoff.OnFailure(error, now);
        Log.CallFailedRetrying(context.Logger, operation, state.EnableBackoff.Failures, retryIn, error.Message);
        status.Publish();
    }

    private void OnReleaseFailed(string operation, TaskProtectionCallException error)
    {
        long now = _clock.Now;
        TimeSpan retryIn = state.ReleaseBackoff.OnFailure(error, now);
        status.OnCallFailed(error, now);
        if (error.IsRetryable)
        {
            Log.CallFailedRetrying(context.Logger, operation, state.ReleaseBackoff.Failures, retryIn, error.Message);
        }
        else
        {
            // Retrying cannot help: the lease runs to its expiry.
            Log.CallRefused(context.Logger, operation, error.Message);
            state.ServerMayBeProtectedUntil = long.MinValue;
        }

        status.Publish();
    }

    /// <summary>
    /// A confirmed disable sent at <paramref name="sentAt"/>: nothing is held, unless an enable abandoned before may still
    /// land after it (then disable once more when it no longer can). After the cap, the cool-down runs from now if sooner.
    /// </summary>
    private void OnDisabled(long sentAt)
    {
        long now = _clock.Now;
        long enableMayLandUntil = state.MayLand.EnableUntil;
        if (enableMayLandUntil > sentAt)
        {
            state.DisableAgainAt = enableMayLandUntil;
            state.ServerMayBeProtectedUntil = enableMayLandUntil + state.Lease.LeaseTicks + _toleranceTicks;
        }
        else
        {
            state.DisableAgainAt = long.MinValue;
            state.ServerMayBeProtectedUntil = long.MinValue;
        }

        if (state.Draining)
        {
            EndDrain(now);
        }
        else if (state.Capped)
        {
            state.CooldownUntil = Math.Min(state.CooldownUntil, now + _cooldownTicks);
            TellRunningCapped();
        }
    }

    /// <summary>
    /// The drain is over with protection (released, or run out): ECS's window, the cool-down, starts now, as after the
    /// cap. A synchronous session that entered while the release was on its way runs unprotected: it is told.
    /// </summary>
    public void EndDrain(long now)
    {
        if (!state.Draining)
        {
            return;
        }

        state.Draining = false;
        state.Capped = true;
        state.CooldownUntil = now + _cooldownTicks;
        TellRunningCapped();
    }

    /// <summary>Tells the sessions running, if any, that the task is capped: nothing protects them until the cool-down ends.</summary>
    public void TellRunningCapped()
    {
        if (context.RunningSessions > 0)
        {
            losses.Raise(ProtectionLossReason.MaxDurationReached, losses.CapWhy(), null);
        }
    }

    private void LogConfirmed(bool renewing, bool firstAttempt, int minutes, long lateTicks)
    {
        if (!renewing)
        {
            Log.Acquired(context.Logger, minutes, context.Registry.ActiveCount);
            return;
        }

        TimeSpan late = _clock.ToSpan(Math.Max(0, lateTicks));
        context.Metrics.RenewalLate(late);
        Log.Renewed(context.Logger, minutes, late);
        if (late > context.Options.SchedulingTolerance && firstAttempt)
        {
            Log.RenewalLate(context.Logger, late, context.Options.SchedulingTolerance);
        }
    }
}
