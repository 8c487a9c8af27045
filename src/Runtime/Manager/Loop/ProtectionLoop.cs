namespace TaskProtection;

/// <summary>
/// The state machine: one loop that decides the next step from the registry and the lease, calls the agent, and
/// waits for the next due time or a wake. Every field is touched only by the loop.
/// </summary>
/// <remarks>
/// Its awaits deliberately resume on the scheduler the loop was started on (the thread pool in production, a
/// deterministic scheduler in simulations), so they omit ConfigureAwait.
/// </remarks>
internal sealed class ProtectionLoop
{
    private readonly ManagerContext _context;
    private readonly AgentCaller _agent;
    private readonly RetryBackoff _backoff;
    private readonly LossReporter _losses;
    private readonly ManagerClock _clock;
    private readonly CriticalSessionRegistry _registry;
    private readonly LeaseState _lease;
    private readonly long _checkTicks;
    private readonly long _releaseDelayTicks;
    private readonly long _requestTimeoutTicks;
    private readonly long _toleranceTicks;

    private long _releaseDueAt = long.MaxValue;
    private long _serverMayBeProtectedUntil = long.MinValue;
    private bool _capped;
    private long _loopFaults;

    public ProtectionLoop(ManagerContext context, ITaskProtectionClient client, object owner)
    {
        _context = context;
        _clock = context.Clock;
        _registry = context.Registry;
        _agent = new AgentCaller(client, context.Options, context.Clock, context.Metrics);
        _backoff = new RetryBackoff(context.Options, context.Clock, context.Jitter);
        _losses = new LossReporter(context, owner);
        TaskProtectionOptions options = context.Options;
        _lease = new LeaseState(context.Clock, options);
        _checkTicks = _clock.ToTicks(options.CheckInterval);
        _releaseDelayTicks = _clock.ToTicks(options.ReleaseDelay);
        _requestTimeoutTicks = _clock.ToTicks(options.RequestTimeout);
        _toleranceTicks = _clock.ToTicks(options.SchedulingTolerance);
    }

    private enum StepKind
    {
        Wait,
        Enable,
        Release,
    }

    private ProtectionMode Mode => _context.State.Mode;

    /// <summary>
    /// Runs steps until stopped. An unexpected error in a step (a metrics listener that throws, a bug) is logged,
    /// counted and followed by a backoff: the loop survives it. Only an error in the backoff itself ends the loop.
    /// </summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        int faults = 0;
        while (!stopping.IsCancellationRequested)
        {
            // Arm the wake signal before reading any state, so a change after the reads is never missed.
            Task wake = _context.Wake.Arm();
            try
            {
                await StepAsync(wake, stopping);
                faults = 0;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                faults++;
                await AfterFaultAsync(ex, faults, wake, stopping);
            }
        }
    }

    private async Task StepAsync(Task wake, CancellationToken stopping)
    {
        while (_context.Commands.TryDequeue(out ForceDisableRequest? request))
        {
            await ForceDisableAsync(request, stopping);
        }

        long now = _clock.Now;
        (StepKind kind, long until) = Decide(now);
        switch (kind)
        {
            case StepKind.Enable:
                await EnableAsync(stopping);
                break;
            case StepKind.Release:
                await ReleaseAsync(stopping);
                break;
            default:
                PublishStatus();
                await WaitAsync(wake, until - now, stopping);
                break;
        }
    }

    /// <summary>
    /// Backs off after an unexpected error, as after a failed call, but never past the lease's end: the next step must
    /// still see it. The state is safe to resume from: coverage only opens after a confirmed lease is recorded.
    /// </summary>
    private async Task AfterFaultAsync(Exception error, int faults, Task wake, CancellationToken stopping)
    {
        TimeSpan backoff = GapBudget.RetryDelayCap(_context.Options.RetryBaseDelay, _context.Options.RetryMaxDelay, faults);
        _loopFaults++;
        _context.Metrics.LoopFault();
        Log.LoopFault(_context.Logger, faults, backoff, error);
        long now = _clock.Now;
        long until = now + _clock.ToTicks(backoff);
        if (_lease.IsHeld)
        {
            until = Math.Min(until, Math.Max(now, _lease.Expiry));
        }

        PublishStatus();
        await WaitAsync(wake, until - now, stopping);
    }

    /// <summary>
    /// After the loop has stopped: releases protection if the task may still hold it (one attempt, bounded by
    /// RequestTimeout). Sessions still running are told first: the release leaves them unprotected.
    /// </summary>
    /// <returns>Null when released (or nothing was held), else why the release failed.</returns>
    public async Task<Exception?> ReleaseOnStopAsync()
    {
        if (_clock.Now >= _serverMayBeProtectedUntil)
        {
            return null;
        }

        IReadOnlyList<ActiveSessionInfo> sessions = _registry.GetActiveSessions();
        _lease.Drop();
        _context.Gate.Close(_clock.Now);
        if (sessions.Count > 0)
        {
            Log.StoppingWithSessions(_context.Logger, sessions.Count, SessionText.Describe(sessions));
            _losses.Raise(ProtectionLossReason.Stopped, "the manager stopped and releases protection while sessions still run", null);
        }

        Exception? failure = null;
        try
        {
            await _agent.DisableAsync(CancellationToken.None);
            _serverMayBeProtectedUntil = long.MinValue;
            Log.Released(_context.Logger);
        }
        catch (TaskProtectionAgentException ex)
        {
            failure = ex;
            Log.CallRefused(_context.Logger, "Releasing protection on stop", ex.Message);
        }

        PublishStatus();
        return failure;
    }

    private (StepKind Kind, long Until) Decide(long now)
    {
        int active = _registry.ActiveCount;
        long watchdog = now + _checkTicks;
        if (_lease.HasEnded(now))
        {
            OnLeaseEnded(active);
        }

        if (_context.State.ForceDisabledAtEntered >= 0)
        {
            if (active == 0 || _registry.TotalEntered <= _context.State.ForceDisabledAtEntered)
            {
                return (StepKind.Wait, watchdog);
            }

            _context.State.ForceDisabledAtEntered = -1;
            _context.State.SetMode(ProtectionMode.Acquiring);
        }

        return active > 0 ? DecideBusy(now, watchdog) : DecideIdle(now, watchdog);
    }

    private (StepKind Kind, long Until) DecideBusy(long now, long watchdog)
    {
        _releaseDueAt = long.MaxValue;
        if (_capped)
        {
            return (StepKind.Wait, _lease.IsHeld ? Math.Min(_lease.Expiry, watchdog) : watchdog);
        }

        if (!_lease.IsHeld)
        {
            if (!_context.Signal.IsRaised)
            {
                _context.State.SetMode(ProtectionMode.Acquiring);
            }

            return now >= _backoff.NextAttemptAt ? (StepKind.Enable, now) : (StepKind.Wait, Math.Min(_backoff.NextAttemptAt, watchdog));
        }

        long due = _lease.RenewalDue;
        if (now < due)
        {
            return (StepKind.Wait, Math.Min(due, watchdog));
        }

        if (now - due > _toleranceTicks && _backoff.Failures == 0)
        {
            Log.RenewalLate(_context.Logger, _clock.ToSpan(now - due), _context.Options.SchedulingTolerance);
        }

        if (_lease.RenewalWouldPassCap(now))
        {
            Cap();
            return (StepKind.Wait, Math.Min(_lease.Expiry, watchdog));
        }

        return now >= _backoff.NextAttemptAt ? (StepKind.Enable, now) : (StepKind.Wait, Math.Min(_backoff.NextAttemptAt, _lease.Expiry));
    }

    private (StepKind Kind, long Until) DecideIdle(long now, long watchdog)
    {
        // No session: release once the delay has passed, while the agent may still hold protection for us.
        _capped = false;
        if (now < _serverMayBeProtectedUntil)
        {
            if (_releaseDueAt == long.MaxValue)
            {
                _releaseDueAt = now + _releaseDelayTicks;
            }

            long at = Math.Max(_releaseDueAt, _backoff.NextAttemptAt);
            return now >= at ? (StepKind.Release, now) : (StepKind.Wait, at);
        }

        _lease.Drop();
        _backoff.ForgetFailures();
        // The work that lost protection is over: the next session tries afresh (and may be refused again).
        _context.Signal.TryReset();

        if (Mode != ProtectionMode.ForceDisabled)
        {
            _context.State.SetMode(ProtectionMode.Idle);
        }

        return (StepKind.Wait, watchdog);
    }

    private async Task EnableAsync(CancellationToken stopping)
    {
        bool renewing = _lease.IsHeld;
        long renewalDue = _lease.RenewalDue;
        long sentAt = _clock.Now;
        _serverMayBeProtectedUntil = Math.Max(_serverMayBeProtectedUntil, sentAt + _requestTimeoutTicks + _lease.LeaseTicks + _toleranceTicks);
        try
        {
            await _agent.EnableAsync(_context.Options.ExpiresInMinutes, stopping);
        }
        catch (TaskProtectionAgentException ex)
        {
            OnCallFailed(renewing ? "Renewing protection" : "Acquiring protection", ex, isEnable: true);
            return;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }

        _lease.Confirm(sentAt, renewing);
        _backoff.Reset();
        _context.State.SetMode(ProtectionMode.Protected);
        if (_context.Signal.TryReset())
        {
            Log.ProtectionRestored(_context.Logger);
        }

        PublishStatus();
        if (renewing)
        {
            TimeSpan late = _clock.ToSpan(Math.Max(0, sentAt - renewalDue));
            _context.Metrics.RenewalLate(late);
            Log.Renewed(_context.Logger, _context.Options.ExpiresInMinutes, late);
        }
        else
        {
            Log.Acquired(_context.Logger, _context.Options.ExpiresInMinutes, _registry.ActiveCount);
        }

        // Open the gate last, so that what a session's work logs always comes after the protection it runs under.
        _context.Gate.Open(_lease.RenewalDue);
        _context.Gate.Pulse();
    }

    private async Task ReleaseAsync(CancellationToken stopping)
    {
        // Close coverage first, then look again: either a session entering now sees no coverage and waits,
        // or we see it and keep the lease (both sides use full fences).
        long coverage = _context.Gate.Close(_clock.Now);
        ProtectionMode previousMode = _context.State.ExchangeMode(ProtectionMode.Releasing);
        Log.Releasing(_context.Logger, _context.Options.ReleaseDelay);
        if (_registry.ActiveCount > 0)
        {
            // A session came: keep the lease, and wake any session that saw coverage closed meanwhile.
            _context.Gate.Restore(coverage);
            _context.State.SetMode(previousMode);
            _context.Gate.Pulse();
            return;
        }

        // _releaseDueAt stays: a retry after a failed release waits for its backoff, not for another release delay.
        _lease.Drop();
        try
        {
            await _agent.DisableAsync(stopping);
        }
        catch (TaskProtectionAgentException ex)
        {
            OnCallFailed("Releasing protection", ex, isEnable: false);
            return;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }

        _serverMayBeProtectedUntil = long.MinValue;
        _backoff.Reset();
        _capped = false;
        _context.State.SetMode(ProtectionMode.Idle);
        _context.Gate.Pulse();
        PublishStatus();
        Log.Released(_context.Logger);
    }

    private async Task ForceDisableAsync(ForceDisableRequest request, CancellationToken stopping)
    {
        _context.State.ForceDisabledAtEntered = _registry.TotalEntered;
        _context.Gate.Close(_clock.Now);
        _context.State.SetMode(ProtectionMode.ForceDisabled);
        _lease.Drop();
        _capped = false;
        _context.Gate.Pulse();
        Log.ForceDisabled(_context.Logger, request.Reason, SessionText.Describe(_registry.GetActiveSessions()));
        try
        {
            await _agent.DisableAsync(stopping);
            _serverMayBeProtectedUntil = long.MinValue;
            request.Completion.TrySetResult();
        }
        catch (TaskProtectionAgentException ex)
        {
            // Renewals stay stopped; the lease may run to its expiry. The caller decides whether to try again.
            request.Completion.TrySetException(ex);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The manager is stopping: its release on stop answers this request.
            _context.Commands.Enqueue(request);
            throw;
        }

        PublishStatus();
    }

    private void OnCallFailed(string operation, TaskProtectionAgentException error, bool isEnable)
    {
        long now = _clock.Now;
        TimeSpan retryIn = _backoff.OnFailure(error, now);
        if (error.IsRetryable)
        {
            Log.CallFailedRetrying(_context.Logger, operation, _backoff.Failures, retryIn, error.Message);
        }
        else
        {
            Log.CallRefused(_context.Logger, operation, error.Message);
            if (isEnable)
            {
                _context.Gate.Close(now);
                _context.State.SetMode(ProtectionMode.Lost);
                _losses.Raise(ProtectionLossReason.Refused, "ECS refused task protection: " + error.Message, error);
            }
            else
            {
                _serverMayBeProtectedUntil = long.MinValue;
            }
        }

        PublishStatus();
    }

    private void OnLeaseEnded(int active)
    {
        _lease.Drop();
        _context.Gate.Close(_clock.Now);
        _losses.OnLeaseEnded(active, _capped);
    }

    private void Cap()
    {
        _capped = true;
        _context.Gate.Close(_clock.Now);
        _context.State.SetMode(ProtectionMode.Capped);
        _context.Gate.Pulse();
        Log.Capped(_context.Logger, _context.Options.MaxProtectionDuration, SessionText.Describe(_registry.GetActiveSessions()));
    }

    private async Task WaitAsync(Task wake, long ticks, CancellationToken stopping)
    {
        if (ticks <= 0)
        {
            return;
        }

        using var cancelDelay = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        Task delay = Task.Delay(_clock.WholeMillisecondsUp(ticks), _clock.Provider, cancelDelay.Token);
        await Task.WhenAny(wake, delay);
        cancelDelay.Cancel();
    }

    private void PublishStatus() =>
        _context.State.Publish(new StatusCore(
            _lease.PublishedExpiry,
            _lease.ProtectedSince,
            _backoff.Failures,
            _backoff.LastError,
            _backoff.LastErrorAt,
            _agent.Calls,
            _losses.Lapses,
            _loopFaults));
}
