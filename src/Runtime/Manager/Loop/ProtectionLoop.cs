namespace TaskProtection;

/// <summary>
/// The state machine: one loop that asks the <see cref="StepDecider"/> what comes next, performs it (an agent call,
/// a transition, or a wait for the next due time or a wake), and survives what it did not expect.
/// </summary>
/// <remarks>
/// Its awaits deliberately resume on the scheduler the loop was started on (the thread pool in production, a
/// deterministic scheduler in simulations), so they omit ConfigureAwait.
/// </remarks>
internal sealed class ProtectionLoop
{
    private readonly ManagerContext _context;
    private readonly ManagerClock _clock;
    private readonly LoopState _state;
    private readonly StepDecider _decider;
    private readonly LoopStatus _status;
    private readonly LossReporter _losses;
    private readonly AgentSteps _steps;
    private readonly long _cooldownTicks;

    public ProtectionLoop(ManagerContext context, ITaskProtectionClient client, object owner)
    {
        _context = context;
        _clock = context.Clock;
        _state = new LoopState(context);
        _state.LastAttempted = _state.EnableBackoff;
        _decider = new StepDecider(context, _state);
        var agent = new AgentCaller(client, context.Options, context.Clock, context.Metrics);
        _status = new LoopStatus(context, _state, agent);
        _losses = new LossReporter(context, _state, _status, owner);
        _steps = new AgentSteps(context, _state, agent, _status, _losses, _decider);
        _cooldownTicks = _clock.ToTicks(context.Options.MaxProtectionCooldown);
    }

    private int Running => _context.RunningSessions;

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

    /// <inheritdoc cref="AgentSteps.ReleaseOnStopAsync"/>
    public Task<Exception?> ReleaseOnStopAsync() => _steps.ReleaseOnStopAsync();

    private async Task StepAsync(Task wake, CancellationToken stopping)
    {
        while (_context.Commands.TryDequeue(out ForceDisableRequest? request))
        {
            await _steps.ForceDisableAsync(request, stopping);
        }

        long now = _clock.Now;
        int active = _context.Registry.ActiveCount;
        Step step = _decider.Decide(now, active, _context.RunningSessions);
        switch (step.Kind)
        {
            case StepKind.Wait:
                _status.Publish();
                await WaitAsync(wake, step.At - now, stopping);
                break;
            case StepKind.Enable:
                await _steps.EnableAsync(step.At, stopping);
                break;
            case StepKind.Release:
                await _steps.ReleaseAsync(stopping);
                break;
            case StepKind.DisableAgain:
                await _steps.DisableAgainAsync(stopping);
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
                _losses.ReportLapse();
                break;
            case StepKind.Cap:
                Cap();
                break;
            case StepKind.Drain:
                Drain();
                break;
            case StepKind.EndCooldown:
                _state.Capped = false;
                Log.CooldownOver(_context.Logger);
                _status.Publish();
                break;
            case StepKind.LeaveForceDisabled:
                _context.State.ForceDisabledAtEntered = -1;
                if (_state.Capped)
                {
                    // A session that entered while force-disabled found no cool-down to hear of; it runs in one.
                    _steps.TellRunningCapped();
                }

                _status.Publish();
                break;
            case StepKind.ReportNotConfirmed:
                _losses.ReportNotConfirmed();
                break;
            case StepKind.GoIdle:
                GoIdle();
                break;
        }
    }

    private void EndLease()
    {
        _state.Lease.Drop();
        _steps.EndDrain(_clock.Now);
        _context.Gate.Close(_clock.Now);
        int running = Running;
        if (running > 0 && _state.Capped)
        {
            // Told when the cap was decided, or when they entered; a no-op then.
            _losses.Raise(ProtectionLossReason.MaxDurationReached, _losses.CapWhy(), null);
        }
        else if (running > 0)
        {
            _losses.ReportLapse();
        }

        _status.Publish();
    }

    /// <summary>New sessions are refused from now on (waiting ones re-check and hear it); running ones stay protected.</summary>
    private void Drain()
    {
        _state.Draining = true;
        _context.Gate.Close(_clock.Now);
        LeaseState lease = _state.Lease;
        long now = _clock.Now;
        Log.Draining(
            _context.Logger,
            _context.Options.CapDrain,
            _clock.ToUtc(lease.CapEnd, now, _clock.UtcNow),
            SessionText.Describe(_context.Registry.GetActiveSessions()));
        _status.Publish();
        _context.Gate.Pulse();
    }

    private void Cap()
    {
        LeaseState lease = _state.Lease;
        _state.Draining = false;
        _state.Capped = true;
        _state.CooldownUntil = lease.Expiry + _cooldownTicks;
        _context.Gate.Close(_clock.Now);
        long now = _clock.Now;
        DateTimeOffset utcNow = _clock.UtcNow;
        Log.Capped(
            _context.Logger,
            _context.Options.MaxProtectionDuration,
            _clock.ToUtc(lease.Expiry, now, utcNow),
            _clock.ToUtc(_state.CooldownUntil, now, utcNow),
            SessionText.Describe(_context.Registry.GetActiveSessions()));
        _losses.ReportCap();
        _status.Publish();
        _context.Gate.Pulse();
    }

    /// <summary>No session and nothing held: the work that lost protection is over, the next session tries afresh.</summary>
    private void GoIdle()
    {
        _state.Lease.Drop();
        _state.EnableBackoff.Reset();
        _state.ReleaseBackoff.Reset();
        _state.Lost = false;
        _state.LapseReported = false;
        _context.Signal.TryReset();
        _status.Publish();
    }

    /// <summary>
    /// Backs off after an unexpected error, as after a failed call, but never past the lapse watch: the next step must
    /// still see it. The state is safe to resume from: coverage only opens after a confirmed lease is recorded.
    /// </summary>
    private async Task AfterFaultAsync(Exception error, int faults, Task wake, CancellationToken stopping)
    {
        TimeSpan backoff = GapBudget.RetryDelayCap(_context.Options.RetryBaseDelay, _context.Options.RetryMaxDelay, faults);
        _state.LoopFaults++;
        _context.Metrics.LoopFault();
        Log.LoopFault(_context.Logger, faults, backoff, error);
        long now = _clock.Now;
        long until = Math.Min(now + _clock.ToTicks(backoff), _decider.TellDeadline(now, Running).At);

        _status.Publish();
        await WaitAsync(wake, until - now, stopping);
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
}
