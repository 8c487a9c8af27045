using System.Diagnostics;
using System.Globalization;

namespace TaskProtection;

/// <summary>The state machine's loop: every field below is touched only by the loop.</summary>
public sealed partial class TaskProtectionManager
{
    private bool _hasLease;
    private long _leaseExpiry;
    private long _protectedSince;
    private long _nextAttemptAt;
    private long _releaseDueAt = long.MaxValue;
    private long _serverMayBeProtectedUntil = long.MinValue;
    private int _consecutiveFailures;
    private bool _capped;
    private bool _lost;
    private string? _lastError;
    private long _lastErrorAt;
    private long _agentCalls;
    private long _lapses;

    // When the coverage gate last closed (or will close): only sessions older than that can have passed it.
    private long _coverageClosesAt = long.MinValue;

    private enum StepKind
    {
        Wait,
        Enable,
        Release,
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            // Arm the wake signal before reading any state, so a change after the reads is never missed.
            if (_wake.Task.IsCompleted)
            {
                Volatile.Write(ref _wake, new TaskCompletionSource());
            }

            Task wake = _wake.Task;
            while (_commands.TryDequeue(out ForceDisableRequest? request))
            {
                await ForceDisableAsync(request, stopping);
            }

            long now = _time.GetTimestamp();
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
    }

    private (StepKind Kind, long Until) Decide(long now)
    {
        int active = _registry.ActiveCount;
        long watchdog = now + _checkTicks;
        if (_hasLease && now >= _leaseExpiry)
        {
            OnLeaseEnded(active);
        }

        if (Volatile.Read(ref _forceDisabledAtEntered) >= 0)
        {
            if (active == 0 || _registry.TotalEntered <= Volatile.Read(ref _forceDisabledAtEntered))
            {
                return (StepKind.Wait, watchdog);
            }

            Volatile.Write(ref _forceDisabledAtEntered, -1);
            SetMode(ProtectionMode.Acquiring);
        }

        if (active > 0)
        {
            _releaseDueAt = long.MaxValue;
            if (_capped)
            {
                return (StepKind.Wait, _hasLease ? Math.Min(_leaseExpiry, watchdog) : watchdog);
            }

            if (!_hasLease)
            {
                if (!_lost)
                {
                    SetMode(ProtectionMode.Acquiring);
                }

                return now >= _nextAttemptAt ? (StepKind.Enable, now) : (StepKind.Wait, Math.Min(_nextAttemptAt, watchdog));
            }

            long due = _leaseExpiry - _bufferTicks;
            if (now < due)
            {
                return (StepKind.Wait, Math.Min(due, watchdog));
            }

            if (now - due > _toleranceTicks && _consecutiveFailures == 0)
            {
                Log.RenewalLate(_logger, TicksToSpan(now - due), _options.SchedulingTolerance);
            }

            if (now - _protectedSince + _leaseTicks > _maxTicks)
            {
                Cap();
                return (StepKind.Wait, Math.Min(_leaseExpiry, watchdog));
            }

            return now >= _nextAttemptAt ? (StepKind.Enable, now) : (StepKind.Wait, Math.Min(_nextAttemptAt, _leaseExpiry));
        }

        // No session: release once the delay has passed, while the agent may still hold protection for us.
        _capped = false;
        if (now < _serverMayBeProtectedUntil)
        {
            if (_releaseDueAt == long.MaxValue)
            {
                _releaseDueAt = now + _releaseDelayTicks;
            }

            long at = Math.Max(_releaseDueAt, _nextAttemptAt);
            return now >= at ? (StepKind.Release, now) : (StepKind.Wait, at);
        }

        _hasLease = false;
        _consecutiveFailures = 0;
        _nextAttemptAt = 0;
        if (_lost)
        {
            // The work that lost protection is over: the next session tries afresh (and may be refused again).
            _lost = false;
            Interlocked.Exchange(ref _lostSource, new CancellationTokenSource()).Dispose();
        }

        if (Mode != ProtectionMode.ForceDisabled)
        {
            SetMode(ProtectionMode.Idle);
        }

        return (StepKind.Wait, watchdog);
    }

    private async Task EnableAsync(CancellationToken stopping)
    {
        bool renewing = _hasLease;
        long renewalDue = _leaseExpiry - _bufferTicks;
        long sentAt = _time.GetTimestamp();
        _serverMayBeProtectedUntil = Math.Max(_serverMayBeProtectedUntil, sentAt + _requestTimeoutTicks + _leaseTicks + _toleranceTicks);
        try
        {
            await CallAsync(EnableOperation, static (client, minutes, token) => client.EnableAsync(minutes, token), stopping);
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

        // The lease is measured from before the request was sent: ECS starts its clock later, so this is conservative.
        _hasLease = true;
        _leaseExpiry = sentAt + _leaseTicks;
        if (!renewing)
        {
            _protectedSince = sentAt;
        }

        _consecutiveFailures = 0;
        _nextAttemptAt = 0;
        _lastError = null;
        SetMode(ProtectionMode.Protected);
        if (_lost)
        {
            _lost = false;
            Interlocked.Exchange(ref _lostSource, new CancellationTokenSource()).Dispose();
            Log.ProtectionRestored(_logger);
        }

        PublishStatus();
        if (renewing)
        {
            _metrics.RenewalLate(TicksToSpan(Math.Max(0, sentAt - renewalDue)));
            Log.Renewed(_logger, _options.ExpiresInMinutes, TicksToSpan(Math.Max(0, sentAt - renewalDue)));
        }
        else
        {
            Log.Acquired(_logger, _options.ExpiresInMinutes, _registry.ActiveCount);
        }

        // Open the gate last, so that what a session's work logs always comes after the protection it runs under.
        OpenCoverage(_leaseExpiry - _bufferTicks);
        PulseGate();
    }

    private async Task ReleaseAsync(CancellationToken stopping)
    {
        // Close coverage first, then look again: either a session entering now sees no coverage and waits,
        // or we see it and keep the lease (both sides use full fences).
        long coverage = Interlocked.Exchange(ref _coverageUntil, long.MinValue);
        ProtectionMode previousMode = (ProtectionMode)Interlocked.Exchange(ref _mode, (int)ProtectionMode.Releasing);
        if (_registry.ActiveCount > 0)
        {
            Interlocked.Exchange(ref _coverageUntil, coverage);
            SetMode(previousMode);
            return;
        }

        // _releaseDueAt stays: a retry after a failed release waits for its backoff, not for another release delay.
        _hasLease = false;
        try
        {
            await CallAsync(DisableOperation, static (client, _, token) => client.DisableAsync(token), stopping);
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
        _consecutiveFailures = 0;
        _nextAttemptAt = 0;
        _lastError = null;
        _capped = false;
        SetMode(ProtectionMode.Idle);
        PulseGate();
        PublishStatus();
        Log.Released(_logger);
    }

    private async Task ForceDisableAsync(ForceDisableRequest request, CancellationToken stopping)
    {
        Volatile.Write(ref _forceDisabledAtEntered, _registry.TotalEntered);
        CloseCoverage();
        SetMode(ProtectionMode.ForceDisabled);
        _hasLease = false;
        _capped = false;
        PulseGate();
        Log.ForceDisabled(_logger, request.Reason, DescribeSessions(_registry.GetActiveSessions()));
        try
        {
            await CallAsync(DisableOperation, static (client, _, token) => client.DisableAsync(token), stopping);
            _serverMayBeProtectedUntil = long.MinValue;
            request.Completion.TrySetResult();
        }
        catch (Exception ex) when (ex is TaskProtectionAgentException or OperationCanceledException)
        {
            // Renewals stay stopped; the lease may run to its expiry. The caller decides whether to try again.
            request.Completion.TrySetException(ex);
        }

        PublishStatus();
    }

    private async Task ReleaseOnStopAsync(CancellationToken cancellationToken)
    {
        if (_client is null || _time.GetTimestamp() >= _serverMayBeProtectedUntil)
        {
            return;
        }

        IReadOnlyList<ActiveSessionInfo> sessions = _registry.GetActiveSessions();
        if (sessions.Count > 0)
        {
            Log.StoppingWithSessions(_logger, sessions.Count, DescribeSessions(sessions));
        }

        _hasLease = false;
        CloseCoverage();
        try
        {
            await CallAsync(DisableOperation, static (client, _, token) => client.DisableAsync(token), cancellationToken);
            _serverMayBeProtectedUntil = long.MinValue;
            Log.Released(_logger);
        }
        catch (Exception ex) when (ex is TaskProtectionAgentException or OperationCanceledException)
        {
            Log.CallRefused(_logger, "Releasing protection on stop", ex.Message);
        }

        PublishStatus();
    }

    /// <summary>One agent call, traced and measured (operation, outcome, duration).</summary>
    private async Task CallAsync(
        string operationName,
        Func<ITaskProtectionClient, int, CancellationToken, Task<TaskProtectionState>> operation,
        CancellationToken stopping)
    {
        _agentCalls++;
        long started = _time.GetTimestamp();
        using Activity? activity = TaskProtectionDiagnostics.ActivitySource.StartActivity(TaskProtectionDiagnostics.AgentCallActivityName, ActivityKind.Client);
        activity?.SetTag(TaskProtectionDiagnostics.OperationTag, operationName);
        string outcome = SuccessOutcome;
        try
        {
            await CallBoundedAsync(operation, stopping);
        }
        catch (TaskProtectionAgentException ex)
        {
            outcome = Outcome(ex.Kind);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        catch (OperationCanceledException)
        {
            outcome = CancelledOutcome;
            throw;
        }
        finally
        {
            activity?.SetTag(TaskProtectionDiagnostics.OutcomeTag, outcome);
            _metrics.AgentCall(operationName, outcome, _time.GetElapsedTime(started));
        }
    }

    /// <summary>One agent call, bounded by RequestTimeout on the manager's clock even if the client ignores its token.</summary>
    private async Task CallBoundedAsync(
        Func<ITaskProtectionClient, int, CancellationToken, Task<TaskProtectionState>> operation,
        CancellationToken stopping)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        Task<TaskProtectionState> call;
        try
        {
            call = operation(_client!, _options.ExpiresInMinutes, linked.Token);
        }
        catch (TaskProtectionAgentException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw Unexpected(ex);
        }

        try
        {
            await call.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException ex) when (!stopping.IsCancellationRequested)
        {
            _ = call.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw new TaskProtectionAgentException(
                AgentFailureKind.Timeout,
                isRetryable: true,
                string.Create(CultureInfo.InvariantCulture, $"The agent call did not complete within RequestTimeout ({_options.RequestTimeout})."),
                innerException: ex);
        }
        catch (Exception ex) when (ex is not TaskProtectionAgentException and not OperationCanceledException)
        {
            throw Unexpected(ex);
        }

        static TaskProtectionAgentException Unexpected(Exception ex) =>
            new(AgentFailureKind.Transport, isRetryable: true, $"The task-protection client failed unexpectedly: {ex.Message}", innerException: ex);
    }

    private const string EnableOperation = "enable";
    private const string DisableOperation = "disable";
    private const string SuccessOutcome = "success";
    private const string CancelledOutcome = "cancelled";

    private static string Outcome(AgentFailureKind kind) => kind switch
    {
        AgentFailureKind.Failure => "failure",
        AgentFailureKind.Error => "error",
        AgentFailureKind.Throttled => "throttled",
        AgentFailureKind.Timeout => "timeout",
        AgentFailureKind.Transport => "transport",
        AgentFailureKind.MalformedResponse => "malformed_response",
        _ => "unknown",
    };

    private void OnCallFailed(string operation, TaskProtectionAgentException error, bool isEnable)
    {
        long now = _time.GetTimestamp();
        _consecutiveFailures++;
        _lastError = error.Message;
        _lastErrorAt = now;
        if (error.IsRetryable)
        {
            TimeSpan cap = GapBudget.RetryDelayCap(_options.RetryBaseDelay, _options.RetryMaxDelay, _consecutiveFailures);

            // Jitter between half the cap and the cap: spreads retries, and never exceeds what the validator budgeted.
            TimeSpan delay = cap / 2 + cap / 2 * Math.Clamp(_jitter(), 0, 1);
            _nextAttemptAt = now + ToTicks(delay);
            Log.CallFailedRetrying(_logger, operation, _consecutiveFailures, delay, error.Message);
        }
        else
        {
            // Retrying at once cannot help; try again at the watchdog's pace while sessions need it.
            _nextAttemptAt = now + _checkTicks;
            Log.CallRefused(_logger, operation, error.Message);
            if (isEnable)
            {
                CloseCoverage();
                SetMode(ProtectionMode.Lost);
                RaiseLost(ProtectionLossReason.Refused, error);
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
        _hasLease = false;
        CloseCoverage();

        // A lease that ends while only sessions admitted after the gate closed are active (they are still waiting in
        // EnterAsync, say after an idle spell let the lease run down) ends nothing that ran: that is an acquire, not a lapse.
        if (active > 0 && AnySessionMayHavePassedTheGate())
        {
            _lapses++;
            _metrics.Lapse();
            SetMode(ProtectionMode.Lost);
            RaiseLost(_capped ? ProtectionLossReason.MaxDurationReached : ProtectionLossReason.Lapsed, null);
        }
    }

    private void OpenCoverage(long until)
    {
        Interlocked.Exchange(ref _coverageUntil, until);
        _coverageClosesAt = until;
    }

    private void CloseCoverage()
    {
        Interlocked.Exchange(ref _coverageUntil, long.MinValue);
        _coverageClosesAt = Math.Min(_coverageClosesAt, _time.GetTimestamp());
    }

    /// <summary>Whether an active session started before the gate last closed (compared by age: the registry may use another clock).</summary>
    private bool AnySessionMayHavePassedTheGate()
    {
        TimeSpan sinceClosed = _coverageClosesAt == long.MinValue ? TimeSpan.MaxValue : TicksToSpan(Math.Max(0, _time.GetTimestamp() - _coverageClosesAt));
        foreach (ActiveSessionInfo session in _registry.GetActiveSessions())
        {
            if (session.Age >= sinceClosed)
            {
                return true;
            }
        }

        return false;
    }

    private void Cap()
    {
        _capped = true;
        CloseCoverage();
        SetMode(ProtectionMode.Capped);
        PulseGate();
        Log.Capped(_logger, _options.MaxProtectionDuration, DescribeSessions(_registry.GetActiveSessions()));
    }

    private void RaiseLost(ProtectionLossReason reason, Exception? error)
    {
        if (_lost)
        {
            return;
        }

        _lost = true;
        IReadOnlyList<ActiveSessionInfo> sessions = _registry.GetActiveSessions();
        Log.ProtectionLost(_logger, reason, sessions.Count, DescribeSessions(sessions));
        PulseGate();

        // Listeners run off the loop: a slow handler must not delay renewals.
        CancellationTokenSource source = Volatile.Read(ref _lostSource);
        var args = new ProtectionLostEventArgs(reason, error, sessions);
        Dispatch(
            state =>
            {
                ProtectionLost?.Invoke(this, args);
                ((CancellationTokenSource)state!).Cancel();
            },
            source);
    }

    private async Task WaitAsync(Task wake, long ticks, CancellationToken stopping)
    {
        if (ticks <= 0)
        {
            return;
        }

        using var cancelDelay = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        Task delay = Task.Delay(WholeMillisecondsUp(ticks), _time, cancelDelay.Token);
        await Task.WhenAny(wake, delay);
        cancelDelay.Cancel();
    }

    private void PublishStatus()
    {
        Volatile.Write(ref _status, new StatusCore(
            Mode,
            _hasLease ? _leaseExpiry : 0,
            _protectedSince,
            _consecutiveFailures,
            _lastError,
            _lastErrorAt,
            _agentCalls,
            _lapses));
    }
}
