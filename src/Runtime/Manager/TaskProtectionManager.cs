using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TaskProtection;

/// <summary>
/// Keeps the ECS task protected while sessions of its <see cref="CriticalSessionRegistry"/> are active: acquires on the
/// first session, renews at the exact moment the lease left reaches <see cref="TaskProtectionOptions.ProtectionBuffer"/>,
/// retries failed calls within seconds, and releases after <see cref="TaskProtectionOptions.ReleaseDelay"/> once the
/// last session ends. One agent call serves every session. All time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class TaskProtectionManager : IAsyncDisposable, IProtectionCoordinator
{
    private readonly bool _sharesRegistryClock;
    private readonly string? _unavailableReason;

    /// <summary>A copy of the settings for readers; the loop runs on its own copy, so changing this one changes nothing.</summary>
    private readonly TaskProtectionOptions _options;
    private readonly TaskProtectionOptions _effective;
    private readonly ManagerClock _clock;
    private readonly ILogger _logger;
    private readonly LoopDispatcher _dispatcher;
    private readonly LoopWake _wake;
    private readonly CoverageGate _gate;
    private readonly LossSignal _signal;
    private readonly ManagerView _view = new();
    private readonly SessionCounts _sessions;
    private readonly TaskProtectionMetrics _metrics;
    private readonly ConcurrentQueue<ForceDisableRequest> _commands = new();
    private readonly WorkIntake _intake = new();
    private readonly AdmissionRules _admissionRules;
    private readonly AdmissionSignal _admissionSignal;
    private readonly Lock _lifecycleLock = new();
    private readonly SessionAdmission _admission;
    private readonly SessionDrain _drain;
    private readonly ManagerCoordination? _coordination;

    // Null in unavailable mode (no agent): sessions are tracked, nothing is called.
    private readonly ProtectionLoop? _protectionLoop;
    private CancellationTokenSource? _stopping;
    private Task? _loop;

    // Set once, under the lifecycle lock, by the first StopAsync: completes with null when released, else the release error.
    private TaskCompletionSource<Exception?>? _stopped;

    /// <summary>Creates a manager for <paramref name="registry"/>.</summary>
    /// <param name="client">The agent client; an <see cref="UnavailableTaskProtectionClient"/> runs in unavailable mode (sessions tracked, nothing called).</param>
    /// <param name="options">The settings; validated here, and copied so later changes have no effect.</param>
    /// <param name="registry">The registry to watch; <see cref="CriticalSessionRegistry.Default"/> when null.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">The logger; none when null.</param>
    /// <param name="meterFactory">Creates the "TaskProtection" meter; a meter of the manager's own when null.</param>
    /// <exception cref="ArgumentException">The options cannot keep protection gap-free; the message says which rule fails.</exception>
    public TaskProtectionManager(
        ITaskProtectionClient client,
        TaskProtectionOptions options,
        CriticalSessionRegistry? registry = null,
        TimeProvider? timeProvider = null,
        ILogger<TaskProtectionManager>? logger = null,
        IMeterFactory? meterFactory = null)
        : this(client, options, registry, timeProvider, logger, TaskScheduler.Default, jitter: null, validate: true, meterFactory)
    {
    }

    internal TaskProtectionManager(
        ITaskProtectionClient client,
        TaskProtectionOptions options,
        CriticalSessionRegistry? registry,
        TimeProvider? timeProvider,
        ILogger? logger,
        TaskScheduler scheduler,
        Func<double>? jitter,
        bool validate,
        IMeterFactory? meterFactory = null,
        ICoordinationStore? coordination = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);

        // Only simulations that show what a rejected configuration would do skip validation.
        IReadOnlyList<string> failures = validate ? TaskProtectionOptionsValidator.FindFailures(options) : [];
        if (failures.Count > 0)
        {
            throw new ArgumentException(ValidationText.Join("Invalid TaskProtectionOptions", failures), nameof(options));
        }

        CriticalSessionRegistry watched = registry ?? CriticalSessionRegistry.Default;
        TimeProvider time = timeProvider ?? TimeProvider.System;
        _effective = options.Clone();
        _options = _effective.Clone();
        _clock = new ManagerClock(time);
        _logger = new GuardedLogger(logger ?? NullLogger.Instance);
        _dispatcher = new LoopDispatcher(scheduler, time);
        _wake = new LoopWake(_dispatcher);
        _gate = new CoverageGate(_dispatcher);
        // The loop publishes its lease before it tells: a lease still published when the signal is raised was held.
        _signal = new LossSignal(_dispatcher, _logger, () => _view.Core.LeaseExpiry != 0);
        _sessions = new SessionCounts(watched);
        _metrics = new TaskProtectionMetrics(meterFactory, () => watched.ActiveCount, () => LeaseRemaining() > TimeSpan.Zero, () => LeaseRemaining().TotalSeconds);
        _sharesRegistryClock = ReferenceEquals(watched.TimeProvider, time);
        _unavailableReason = (client as UnavailableTaskProtectionClient)?.Reason;
        _admissionRules = new AdmissionRules(_effective, watched, _intake, _view);
        _admissionSignal = new AdmissionSignal(_dispatcher, _logger, _admissionRules.Current, sender: this);
        if (_unavailableReason is null)
        {
            IProtectionBackend backend = ManagerCoordination.Wrap(
                new ClientBackend(client), coordination, _effective, time, _logger, _metrics, _dispatcher, _wake.Request, out _coordination);
            _protectionLoop = new ProtectionLoop(
                _effective, _clock, _sessions, backend, _gate, _wake, _signal, _view, _metrics, _logger, _dispatcher, jitter ?? Random.Shared.NextDouble, _commands, _intake, _admissionSignal.Check, owner: this);
        }

        _admission = new SessionAdmission(_effective, _clock, _sessions, _gate, _wake, _signal, _view, _dispatcher, _logger, _admissionRules, _intake, owner: this, hasAgent: _protectionLoop is not null);
        _drain = new SessionDrain(_effective, _clock, watched, _gate, _wake, _metrics, _logger);
    }

    /// <summary>
    /// Raised when work runs, or is about to run, without ECS protection: before that moment (see
    /// <see cref="ProtectionLossReason"/> for each cause and its timing). <see cref="ProtectionLostToken"/> is cancelled
    /// first; each handler then runs on its own as a work item of the manager's scheduler (the thread pool), never on the
    /// manager's loop: a handler that throws is logged and the others still run, and a slow one delays nothing.
    /// </summary>
    public event EventHandler<ProtectionLostEventArgs>? ProtectionLost
    {
        add => _signal.Lost += value;
        remove => _signal.Lost -= value;
    }

    /// <summary>
    /// Cancelled, before any <see cref="ProtectionLost"/> handler runs, when work runs or is about to run without ECS
    /// protection; stop taking new work and checkpoint. It stays cancelled until protection is confirmed again or the
    /// task has gone idle, when a fresh token is issued: read it when work starts. Tokens handed out earlier stay usable.
    /// </summary>
    public CancellationToken ProtectionLostToken => _signal.Token;

    /// <summary>
    /// Raised when the task starts or stops refusing new sessions (<see cref="Admission"/> changed): shutdown, the drain before
    /// <see cref="TaskProtectionOptions.MaxProtectionDuration"/> and the cool-down after it, <see cref="StopTakingWork"/>.
    /// Job frameworks pause fetching work on it rather than take jobs only to hand them back. Handlers run one delivery at a
    /// time on the thread pool, never on the manager's loop, and see the state as it is when they run: a refusal and its end
    /// in quick succession may reach them as the end alone, never the other way round.
    /// </summary>
    public event EventHandler<AdmissionChangedEventArgs>? AdmissionChanged
    {
        add => _admissionSignal.Changed += value;
        remove => _admissionSignal.Changed -= value;
    }

    /// <summary>Whether new sessions are accepted now, and if not, why and until when.</summary>
    public AdmissionState Admission => _admissionRules.Current();

    /// <summary>The validated settings this manager runs with: a copy made once at construction; changing it has no effect.</summary>
    public TaskProtectionOptions Options => _options;

    /// <summary>The registry this manager watches.</summary>
    public CriticalSessionRegistry Registry => _sessions.Registry;

    /// <summary>Where the state machine stands.</summary>
    public ProtectionMode Mode => _view.Mode;

    /// <summary>Cancelled once shutdown is requested: the registry's <see cref="CriticalSessionRegistry.ShutdownRequested"/>.</summary>
    public CancellationToken ShutdownRequested => _sessions.Registry.ShutdownRequested;

    /// <summary>The loop, for tests that assert it never faults.</summary>
    internal Task? LoopTask => _loop;

    /// <summary>Until when sessions entering are covered (a timestamp; long.MinValue when not), for simulations.</summary>
    internal long CoverageUntil => _gate.Until;

    /// <inheritdoc />
    bool IProtectionCoordinator.IsStopped => Volatile.Read(ref _stopped) is not null;

    /// <inheritdoc />
    bool IProtectionCoordinator.WantsSessionDurations => _metrics.SessionDurationsEnabled;

    /// <summary>
    /// Starts shutting down without waiting: cancels <see cref="ShutdownRequested"/> so that long work can checkpoint and,
    /// unless <see cref="TaskProtectionOptions.RefuseSessionsDuringShutdown"/> is off, refuses new sessions with
    /// <see cref="CriticalSessionRefusedException"/>. Protection stays renewed while sessions run. Calling it again does nothing.
    /// </summary>
    public void RequestShutdown()
    {
        _drain.RequestShutdown();
        _admissionSignal.Check();
    }

    /// <summary>
    /// Stops taking work, for example because the task's service is replacing it in a deployment: from now on every new
    /// session is refused with <see cref="CriticalSessionRefusedException"/> (<see cref="SessionRefusalReason.StoppedTakingWork"/>,
    /// with <paramref name="reason"/>), the running sessions stay protected, and protection is released as soon as the last
    /// one ends, so that ECS can replace the task at once. <see cref="ResumeTakingWork"/> undoes it (a rolled-back deployment).
    /// Calling it again only updates the reason.
    /// </summary>
    /// <param name="reason">Why, for refusals, status and the log; required.</param>
    public void StopTakingWork(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        _intake.Stop(reason);
        _wake.Request();
        _admissionSignal.Check();
    }

    /// <summary>Takes work again after <see cref="StopTakingWork"/>; does nothing otherwise.</summary>
    public void ResumeTakingWork()
    {
        if (_intake.Resume())
        {
            _wake.Request();
            _admissionSignal.Check();
        }
    }

    /// <summary>
    /// Requests shutdown (see <see cref="RequestShutdown"/>) and waits, with protection kept renewed, until no session is
    /// active or <see cref="TaskProtectionOptions.DrainTimeout"/> has passed. Sessions still running then are logged by name,
    /// id and age, counted as abandoned in status and metrics, and returned. Protection is not released here: stop the
    /// manager next (the host does).
    /// </summary>
    /// <param name="cancellationToken">Gives up the wait early (a second SIGTERM, say); running sessions count as abandoned.</param>
    /// <returns>How the drain ended.</returns>
    public Task<DrainResult> DrainAsync(CancellationToken cancellationToken) => DrainAsync(_effective.DrainTimeout, cancellationToken);

    /// <summary>As <see cref="DrainAsync(CancellationToken)"/>, bounded by <see cref="TaskProtectionOptions.DrainTimeout"/> only.</summary>
    /// <returns>How the drain ended.</returns>
    public Task<DrainResult> DrainAsync() => DrainAsync(_effective.DrainTimeout, CancellationToken.None);

    /// <summary>As <see cref="DrainAsync(CancellationToken)"/>, with an explicit bound.</summary>
    /// <param name="timeout">The longest wait for sessions to end.</param>
    /// <param name="cancellationToken">Gives up the wait early; running sessions count as abandoned.</param>
    /// <returns>How the drain ended.</returns>
    public Task<DrainResult> DrainAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        return _drain.DrainAsync(timeout, cancellationToken);
    }

    /// <summary>A snapshot of the protection state.</summary>
    /// <returns>The status.</returns>
    public TaskProtectionStatus GetStatus() =>
        StatusSnapshot.Create(_view, _clock, _sessions.Registry, _effective, _unavailableReason, _drain.AbandonedSessions, _coordination?.Status, _admissionRules.Current());

    /// <inheritdoc />
    /// <remarks>
    /// On a shared clock the session's start timestamp stands in for "now", saving a clock read on every EnterAsync
    /// (the fast path's costliest step after the atomics). It is a few instructions old, and coverage closes <see cref="TaskProtectionOptions.ProtectionBuffer"/>
    /// before the lease expires, and the loop closes it before the lease ends even with no session running, so a thread
    /// that stalls past the lease's end reads it closed and waits. The release race does not depend on the time: the
    /// session was counted before the coverage field is read.
    /// </remarks>
    bool IProtectionCoordinator.IsCovered(long enteredAt) =>
        _admission.IsCovered(_sharesRegistryClock ? enteredAt : _clock.Now);

    /// <inheritdoc />
    void IProtectionCoordinator.OnActivityChanged()
    {
        _wake.Request();
        _drain.OnActivityChanged();
    }

    /// <inheritdoc />
    AdmissionState? IProtectionCoordinator.OnUncoveredEntry() => _admission.OnUncoveredEntry();

    /// <inheritdoc />
    void IProtectionCoordinator.OnSessionEnded(string name, TimeSpan duration) => _metrics.SessionEnded(name, duration);

    /// <inheritdoc />
    Task<CriticalSession> IProtectionCoordinator.WaitForCoverageAsync(CriticalSession session, CancellationToken cancellationToken) =>
        _admission.WaitForCoverageAsync(session, cancellationToken);

    /// <summary>The time left on the confirmed lease, as last published.</summary>
    private TimeSpan LeaseRemaining()
    {
        long expiry = _view.Core.LeaseExpiry;
        long now = _clock.Now;
        return expiry != 0 && expiry > now ? _clock.ToSpan(expiry - now) : TimeSpan.Zero;
    }

    /// <summary>Logs that a second stop signal gives up the drain's wait.</summary>
    internal void OnSecondSignal(string signal) => Log.SecondSignal(_logger, signal);
}
