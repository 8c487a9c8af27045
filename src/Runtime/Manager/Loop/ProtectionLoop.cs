using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TaskProtection;

/// <summary>
/// The protection loop: the one owner of everything the manager knows about the task's protection. It asks the
/// <see cref="StepDecider"/> what comes next, performs it (a call, a transition, or a wait for the next due time or a
/// wake), and survives what it did not expect. Its state lives in the private fields below and changes only on the
/// loop; <see cref="Commit"/> is the one place that makes a change visible to sessions and readers (coverage, mode,
/// status, the loss signal, waking waiters).
/// </summary>
/// <remarks>
/// Split by concern: this file runs the loop and holds its state; <c>.Decide</c> turns decisions into transitions;
/// <c>.Calls</c> talks to ECS; <c>.ForceDisable</c> handles force-disables; <c>.Tell</c> commits and tells. Its awaits
/// deliberately resume on the scheduler the loop was started on (the thread pool, or a dedicated thread, in production;
/// a deterministic scheduler in simulations), so they omit ConfigureAwait.
/// </remarks>
internal sealed partial class ProtectionLoop
{
    // What the loop works with.
    private readonly TaskProtectionOptions _options;
    private readonly ManagerClock _clock;
    private readonly SessionCounts _sessions;
    private readonly BoundedBackend _backend;
    private readonly CoverageGate _gate;
    private readonly LoopWake _wake;
    private readonly LossSignal _signal;
    private readonly ManagerView _view;
    private readonly TaskProtectionMetrics _metrics;
    private readonly ILogger _logger;
    private readonly LoopDispatcher _dispatcher;
    private readonly Func<double> _jitter;
    private readonly object _owner;
    private readonly ConcurrentQueue<ForceDisableRequest> _commands;
    private readonly WorkIntake _intake;
    private readonly Action _admissionChanged;
    private readonly StepDecider _decider;
    private readonly LeaseRules _leases;
    private readonly RetryPolicy _retry;
    private readonly long _checkTicks;
    private readonly long _requestTimeoutTicks;
    private readonly long _toleranceTicks;
    private readonly long _cooldownTicks;
    private readonly long _landingTicks;
    private readonly long _callOutTicks;

    // What the loop knows. Loop only.
    private Lease _lease;
    private bool _coverageOpen;
    private RetryBackoff _enables;
    private RetryBackoff _releases;
    private bool _lastAttemptWasRelease;
    private LateLandings _mayLand = LateLandings.None;
    private bool _lost;
    private bool _lapseReported;
    private bool _draining;
    private bool _drainingBeforeCap;
    private bool _capped;
    private bool _releasing;
    private bool _stopped;
    private bool _faulted;
    private long _cooldownUntil = long.MinValue;
    private long _forceDisabledAtEntered = -1;
    private long _busySince = long.MinValue;
    private long _releaseDueAt = long.MaxValue;
    private long _serverMayBeProtectedUntil = long.MinValue;

    // Until when a release refused outright leaves ECS protecting the task: no release is retried, but an acquire before then
    // continues the period the cap counts.
    private long _periodMayContinueUntil = long.MinValue;
    private long _disableAgainAt = long.MinValue;
    private string? _lastError;
    private long _lastErrorAt;
    private long _lapses;
    private long _loopFaults;

    // What Commit last made visible, so that it wakes waiting sessions only when something they look at changed.
    private ProtectionMode _publishedMode = ProtectionMode.Stopped;
    private AdmissionState _publishedAdmission = AdmissionState.Accepting;

    public ProtectionLoop(
        TaskProtectionOptions options,
        ManagerClock clock,
        SessionCounts sessions,
        IProtectionBackend backend,
        CoverageGate gate,
        LoopWake wake,
        LossSignal signal,
        ManagerView view,
        TaskProtectionMetrics metrics,
        ILogger logger,
        LoopDispatcher dispatcher,
        Func<double> jitter,
        ConcurrentQueue<ForceDisableRequest> commands,
        WorkIntake intake,
        Action admissionChanged,
        object owner)
    {
        _intake = intake;
        _admissionChanged = admissionChanged;
        _options = options;
        _clock = clock;
        _sessions = sessions;
        _backend = new BoundedBackend(backend, options.RequestTimeout, CoordinatedBackend.AnnounceWithin(options), clock, metrics);
        _gate = gate;
        _wake = wake;
        _signal = signal;
        _view = view;
        _metrics = metrics;
        _logger = logger;
        _dispatcher = dispatcher;
        _jitter = jitter;
        _commands = commands;
        _owner = owner;
        DeciderRules rules = DeciderRules.From(options, clock);
        _decider = new StepDecider(rules);
        _leases = rules.Lease;
        _retry = RetryPolicy.From(options);
        _checkTicks = rules.CheckTicks;
        _requestTimeoutTicks = clock.ToTicks(options.RequestTimeout);
        _toleranceTicks = clock.ToTicks(options.SchedulingTolerance);
        _cooldownTicks = clock.ToTicks(options.MaxProtectionCooldown);
        _landingTicks = clock.ToTicks(GapBudget.LateLandingWindow);
        _callOutTicks = clock.ToTicks(options.RequestTimeout + options.SchedulingTolerance + GapBudget.TimerResolution);
    }

    /// <summary>Publishes the starting state (mode Idle, or Acquiring with sessions waiting), before the loop runs.</summary>
    public void PublishInitial() => Commit();

    /// <summary>What the calls go to, for the start-up log.</summary>
    public string BackendDescription => _backend.Description;

    /// <summary>
    /// Runs steps until stopped. An unexpected error in a step (a metrics listener that throws, a bug) is logged,
    /// counted and followed by a backoff: the loop survives it. Only an error in the backoff itself ends the loop, and
    /// then everyone is told (mode Faulted, the loss signal) before the returned task faults.
    /// </summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await RunStepsAsync(stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            Die(ex);
            if (_forceDisabledAtEntered >= 0)
            {
                // The force-disable it sent may be undone by an enable it gave up on: no loop is left to disable again.
                _ = DisableAgainAfterLandingAsync("again after the protection loop stopped: an enable it gave up on may land late");
            }

            throw;
        }
    }

    private async Task RunStepsAsync(CancellationToken stopping)
    {
        int faults = 0;
        while (!stopping.IsCancellationRequested)
        {
            // Arm the wake signal before reading any state, so a change after the reads is never missed.
            Task wake = _wake.Arm();
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

    /// <summary>
    /// Backs off after an unexpected error, as after a failed call, but never past the deadline for telling running
    /// sessions: the next step must still see it. The state is safe to resume from: coverage only opens after a
    /// confirmed lease is recorded.
    /// </summary>
    private async Task AfterFaultAsync(Exception error, int faults, Task wake, CancellationToken stopping)
    {
        TimeSpan backoff = GapBudget.RetryDelayCap(_options.RetryBaseDelay, _options.RetryMaxDelay, faults);
        _loopFaults++;
        _metrics.LoopFault();
        Log.LoopFault(_logger, faults, backoff, error);
        long now = _clock.Now;
        long until = Math.Min(now + _clock.ToTicks(backoff), TellDeadline(now).At);
        Commit();
        await WaitAsync(wake, until - now, stopping);
    }

    /// <summary>Waits <paramref name="ticks"/> or until woken, whichever comes first.</summary>
    private async Task WaitAsync(Task wake, long ticks, CancellationToken stopping)
    {
        if (ticks <= 0)
        {
            return;
        }

        using var cancelDelay = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        Task delay = _dispatcher.Delay(_clock.WholeMillisecondsUp(ticks), cancelDelay.Token);
        await Task.WhenAny(wake, delay);
        cancelDelay.Cancel();
    }

    /// <summary>Until when ECS may still protect the task from the current period, with or without a lease held here.</summary>
    private long MayStillBeProtectedUntil => Math.Max(_serverMayBeProtectedUntil, _periodMayContinueUntil);

    /// <summary>What the decider needs, as the loop knows it now.</summary>
    private LoopFacts Facts(long now) => new(
        now,
        _sessions.Active,
        _sessions.Running,
        _sessions.TotalEntered,
        _lease,
        _capped,
        _draining,
        _lost,
        _lapseReported,
        _signal.IsRaised,
        _cooldownUntil,
        _forceDisabledAtEntered,
        _disableAgainAt,
        _enables,
        _releases,
        _mayLand,
        _busySince,
        _releaseDueAt,
        _serverMayBeProtectedUntil,
        _intake.StoppedBecause is not null,
        _periodMayContinueUntil);

    /// <summary>The next moment running sessions must be told something if nothing changes before; notes the task busy if it is.</summary>
    private (long At, bool Lapse) TellDeadline(long now)
    {
        LoopFacts facts = Facts(now);
        _busySince = StepDecider.BusySince(facts);
        return _decider.TellDeadline(facts);
    }
}
