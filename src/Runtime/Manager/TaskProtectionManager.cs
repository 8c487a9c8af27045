using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TaskProtection;

/// <summary>
/// Keeps the ECS task protected while sessions of its <see cref="CriticalSessionRegistry"/> are active: acquires on the
/// first session, renews at the exact moment the lease left reaches <see cref="TaskProtectionOptions.ProtectionBuffer"/>,
/// retries failed calls within seconds, and releases after <see cref="TaskProtectionOptions.ReleaseDelay"/> once the
/// last session ends. One agent call serves every session. All time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// The state machine runs as one loop; its awaits deliberately resume on the scheduler the loop was started on
/// (the thread pool in production, a deterministic scheduler in simulations), so they omit ConfigureAwait.
/// </remarks>
public sealed partial class TaskProtectionManager : IAsyncDisposable, IProtectionCoordinator
{
    private readonly ITaskProtectionClient? _client;
    private readonly TaskProtectionOptions _options;
    private readonly CriticalSessionRegistry _registry;
    private readonly TimeProvider _time;
    private readonly bool _sharesRegistryClock;
    private readonly ILogger _logger;
    private readonly TaskScheduler _scheduler;
    private readonly Func<double> _jitter;
    private readonly string? _unavailableReason;
    private readonly ConcurrentQueue<ForceDisableRequest> _commands = new();
    private readonly Lock _lifecycleLock = new();
    private readonly WakeWorkItem _wakeItem;
    private readonly TaskProtectionMetrics _metrics;

    // Durations in TimeProvider timestamp units.
    private readonly long _leaseTicks;
    private readonly long _bufferTicks;
    private readonly long _checkTicks;
    private readonly long _maxTicks;
    private readonly long _releaseDelayTicks;
    private readonly long _requestTimeoutTicks;
    private readonly long _toleranceTicks;

    // Read from any thread.
    private long _coverageUntil = long.MinValue;
    private int _mode;
    private TaskCompletionSource _gate = new();
    private TaskCompletionSource _wake = new();
    private int _wakePending;
    private CancellationTokenSource _lostSource = new();
    private long _forceDisabledAtEntered = -1;
    private StatusCore _status;
    private int _shutdownRequested;
    private long _abandonedSessions;
    private TaskCompletionSource? _drainIdle;

    private CancellationTokenSource? _stopping;
    private Task? _loop;

    /// <summary>Creates a manager for <paramref name="registry"/>.</summary>
    /// <param name="client">The agent client; null runs in unavailable mode (sessions tracked, nothing called).</param>
    /// <param name="options">The settings; validated here, and copied so later changes have no effect.</param>
    /// <param name="registry">The registry to watch; <see cref="CriticalSessionRegistry.Default"/> when null.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">The logger; none when null.</param>
    /// <param name="unavailableReason">Why <paramref name="client"/> is null, for status and the log.</param>
    /// <param name="meterFactory">Creates the "TaskProtection" meter; a meter of the manager's own when null.</param>
    /// <exception cref="ArgumentException">The options cannot keep protection gap-free; the message says which rule fails.</exception>
    public TaskProtectionManager(
        ITaskProtectionClient? client,
        TaskProtectionOptions options,
        CriticalSessionRegistry? registry = null,
        TimeProvider? timeProvider = null,
        ILogger<TaskProtectionManager>? logger = null,
        string? unavailableReason = null,
        IMeterFactory? meterFactory = null)
        : this(client, options, registry, timeProvider, logger, unavailableReason, TaskScheduler.Default, jitter: null, validate: true, meterFactory)
    {
    }

    internal TaskProtectionManager(
        ITaskProtectionClient? client,
        TaskProtectionOptions options,
        CriticalSessionRegistry? registry,
        TimeProvider? timeProvider,
        ILogger? logger,
        string? unavailableReason,
        TaskScheduler scheduler,
        Func<double>? jitter,
        bool validate,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Only simulations that show what a rejected configuration would do skip validation.
        List<string> failures = validate ? TaskProtectionOptionsValidator.FindFailures(options) : [];
        if (failures.Count > 0)
        {
            throw new ArgumentException("Invalid TaskProtectionOptions: " + string.Join(" ", failures), nameof(options));
        }

        _client = client;
        _options = options.Clone();
        _registry = registry ?? CriticalSessionRegistry.Default;
        _time = timeProvider ?? TimeProvider.System;
        _sharesRegistryClock = ReferenceEquals(_registry.TimeProvider, _time);
        _logger = logger ?? NullLogger.Instance;
        _scheduler = scheduler;
        _jitter = jitter ?? Random.Shared.NextDouble;
        _unavailableReason = client is null
            ? unavailableReason ?? $"{EcsAgentClient.AgentUriVariable} is not set (not running in ECS)"
            : null;

        _leaseTicks = ToTicks(_options.LeaseDuration);
        _bufferTicks = ToTicks(_options.ProtectionBuffer);
        _checkTicks = ToTicks(_options.CheckInterval);
        _maxTicks = ToTicks(_options.MaxProtectionDuration);
        _releaseDelayTicks = ToTicks(_options.ReleaseDelay);
        _requestTimeoutTicks = ToTicks(_options.RequestTimeout);
        _toleranceTicks = ToTicks(_options.SchedulingTolerance);
        _status = new StatusCore(ProtectionMode.Stopped, 0, 0, 0, null, 0, 0, 0);
        _wakeItem = new WakeWorkItem(this);
        _metrics = new TaskProtectionMetrics(meterFactory, () => _registry.ActiveCount, () => LeaseRemaining() > TimeSpan.Zero, () => LeaseRemaining().TotalSeconds);
    }

    /// <summary>
    /// Raised on a thread-pool thread (never on the manager's loop, so a slow handler cannot delay renewals) when
    /// protection is lost while sessions are active.
    /// </summary>
    public event EventHandler<ProtectionLostEventArgs>? ProtectionLost;

    /// <summary>
    /// Cancelled when protection is lost while sessions are active; a fresh token is issued once protection is
    /// restored or the task has gone idle, so read it again after a loss.
    /// </summary>
    public CancellationToken ProtectionLostToken => Volatile.Read(ref _lostSource).Token;

    /// <summary>The validated settings this manager runs with.</summary>
    public TaskProtectionOptions Options => _options.Clone();

    /// <summary>The registry this manager watches.</summary>
    public CriticalSessionRegistry Registry => _registry;

    /// <summary>The loop, for tests that assert it never faults.</summary>
    internal Task? LoopTask => _loop;

    /// <summary>Where the state machine stands.</summary>
    public ProtectionMode Mode => (ProtectionMode)Volatile.Read(ref _mode);

    /// <summary>Cancelled once shutdown is requested: the registry's <see cref="CriticalSessionRegistry.ShutdownRequested"/>.</summary>
    public CancellationToken ShutdownRequested => _registry.ShutdownRequested;

    /// <summary>Attaches to the registry and starts the state machine.</summary>
    /// <param name="cancellationToken">Unused; starting does not wait.</param>
    /// <returns>A completed task.</returns>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_lifecycleLock)
        {
            if (_loop is not null)
            {
                throw new InvalidOperationException("The TaskProtectionManager is already started.");
            }

            if (_client is null)
            {
                SetMode(ProtectionMode.Unavailable);
                PublishStatus();
                Log.Unavailable(_logger, _unavailableReason!);
                _registry.Attach(this);
                _loop = Task.CompletedTask;
                return Task.CompletedTask;
            }

            SetMode(ProtectionMode.Idle);
            PublishStatus();
            Log.Started(_logger, _client.GetType().Name, _options.ExpiresInMinutes, _options.ProtectionBuffer, _options.ToleratedConsecutiveFailures);
            _stopping = new CancellationTokenSource();
            CancellationToken stopping = _stopping.Token;
            _registry.Attach(this);
            _loop = Task.Factory.StartNew(() => RunAsync(stopping), CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler).Unwrap();
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops the state machine, detaches from the registry and releases protection if the task may still hold it
    /// (one bounded attempt).
    /// </summary>
    /// <param name="cancellationToken">Abandons the wait for the loop and the release.</param>
    /// <returns>A task that completes when stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        Task? loop;
        CancellationTokenSource? stopping;
        lock (_lifecycleLock)
        {
            loop = _loop;
            stopping = _stopping;
            if (loop is null || Mode == ProtectionMode.Stopped)
            {
                return;
            }
        }

        _registry.Detach(this);
        if (stopping is not null)
        {
            await stopping.CancelAsync().ConfigureAwait(false);
            await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
            await Task.Factory.StartNew(() => ReleaseOnStopAsync(cancellationToken), cancellationToken, TaskCreationOptions.DenyChildAttach, _scheduler).Unwrap().ConfigureAwait(false);
        }

        SetMode(ProtectionMode.Stopped);
        Interlocked.Exchange(ref _coverageUntil, long.MinValue);
        PulseGate();
    }

    /// <summary>Stops the manager.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping?.Dispose();
        _metrics.Dispose();
    }

    /// <summary>
    /// Starts shutting down without waiting: cancels <see cref="ShutdownRequested"/> so that long work can checkpoint and,
    /// unless <see cref="TaskProtectionOptions.RefuseSessionsDuringShutdown"/> is off, refuses new sessions with
    /// <see cref="CriticalSessionRefusedException"/>. Protection stays renewed while sessions run. Calling it again does nothing.
    /// </summary>
    public void RequestShutdown()
    {
        if (Interlocked.Exchange(ref _shutdownRequested, 1) != 0)
        {
            return;
        }

        IReadOnlyList<ActiveSessionInfo> sessions = _registry.GetActiveSessions();
        Log.ShutdownRequested(_logger, sessions.Count, _options.DrainTimeout, DescribeSessions(sessions));
        AggregateException? callbackErrors = _registry.BeginShutdown(_options.RefuseSessionsDuringShutdown);
        if (callbackErrors is not null)
        {
            Log.ShutdownCallbacksFailed(_logger, callbackErrors);
        }

        RequestWake();
    }

    /// <summary>
    /// Requests shutdown (see <see cref="RequestShutdown"/>) and waits, with protection kept renewed, until no session is
    /// active or <see cref="TaskProtectionOptions.DrainTimeout"/> has passed. Sessions still running then are logged by name,
    /// id and age, counted as abandoned in status and metrics, and returned. Protection is not released here: stop the
    /// manager next (the host does).
    /// </summary>
    /// <param name="cancellationToken">Gives up the wait early (a second SIGTERM, say); running sessions count as abandoned.</param>
    /// <returns>How the drain ended.</returns>
    public Task<DrainResult> DrainAsync(CancellationToken cancellationToken) => DrainAsync(_options.DrainTimeout, cancellationToken);

    /// <summary>As <see cref="DrainAsync(CancellationToken)"/>, bounded by <see cref="TaskProtectionOptions.DrainTimeout"/> only.</summary>
    /// <returns>How the drain ended.</returns>
    public Task<DrainResult> DrainAsync() => DrainAsync(_options.DrainTimeout, CancellationToken.None);

    /// <summary>Logs that a second stop signal gives up the drain's wait.</summary>
    internal void OnSecondSignal(string signal) => Log.SecondSignal(_logger, signal);

    /// <summary>As <see cref="DrainAsync(CancellationToken)"/>, with an explicit bound.</summary>
    /// <param name="timeout">The longest wait for sessions to end.</param>
    /// <param name="cancellationToken">Gives up the wait early; running sessions count as abandoned.</param>
    /// <returns>How the drain ended.</returns>
    public async Task<DrainResult> DrainAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        RequestShutdown();
        long started = _time.GetTimestamp();
        bool cutShort = false;
        while (_registry.ActiveCount > 0)
        {
            // Publish the signal before reading the count: a session ending after the read completes it.
            var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _drainIdle, idle);
            TimeSpan left = timeout - _time.GetElapsedTime(started);
            if (_registry.ActiveCount == 0 || left <= TimeSpan.Zero)
            {
                break;
            }

            try
            {
                await idle.Task.WaitAsync(WholeMillisecondsUp(ToTicks(left)), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                break;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                cutShort = true;
                break;
            }
        }

        Volatile.Write(ref _drainIdle, null);
        TimeSpan elapsed = _time.GetElapsedTime(started);
        IReadOnlyList<ActiveSessionInfo> abandoned = _registry.GetActiveSessions();
        if (abandoned.Count == 0)
        {
            Log.Drained(_logger, elapsed);
            return new DrainResult(true, elapsed, []);
        }

        Log.DrainGaveUp(_logger, abandoned.Count, elapsed, cutShort ? "it was cut short (a second stop signal, or the host's shutdown timeout)" : "DrainTimeout passed");
        foreach (ActiveSessionInfo session in abandoned)
        {
            Log.SessionAbandoned(_logger, session.Name, session.Id, session.Age);
        }

        Interlocked.Add(ref _abandonedSessions, abandoned.Count);
        _metrics.Abandoned(abandoned.Count);
        return new DrainResult(false, elapsed, abandoned);
    }

    /// <summary>
    /// Emergency only: disables protection now, logs the reason and the sessions left unprotected, and stops renewals
    /// until a new session starts. Sessions already running stay unprotected; a scale-in may stop them.
    /// </summary>
    /// <param name="reason">Why, for the log; required.</param>
    /// <param name="cancellationToken">Abandons the wait (the disable still happens).</param>
    /// <returns>A task that completes when the agent confirmed the disable, or faults with the agent's error.</returns>
    public Task ForceDisableProtectionAsync(string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var request = new ForceDisableRequest(reason);
        if (_client is null || Mode == ProtectionMode.Stopped)
        {
            Log.ForceDisabled(_logger, reason, DescribeSessions(_registry.GetActiveSessions()));
            return Task.CompletedTask;
        }

        _commands.Enqueue(request);
        RequestWake();
        return request.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>A snapshot of the protection state.</summary>
    /// <returns>The status.</returns>
    public TaskProtectionStatus GetStatus()
    {
        StatusCore core = Volatile.Read(ref _status);
        long now = _time.GetTimestamp();
        DateTimeOffset utcNow = _time.GetUtcNow();
        IReadOnlyList<ActiveSessionInfo> sessions = _registry.GetActiveSessions();
        bool enabled = core.LeaseExpiry != 0 && core.LeaseExpiry > now;
        return new TaskProtectionStatus
        {
            Mode = Mode,
            AgentAvailable = _client is not null,
            UnavailableReason = _unavailableReason,
            ActiveSessionCount = sessions.Count,
            ActiveSessions = sessions,
            ProtectionEnabled = enabled,
            ExpiresAt = enabled ? utcNow + TicksToSpan(core.LeaseExpiry - now) : null,
            TimeUntilExpiry = enabled ? TicksToSpan(core.LeaseExpiry - now) : null,
            ProtectedSince = enabled ? utcNow - TicksToSpan(now - core.ProtectedSince) : null,
            GapSafetyMargin = _options.GapSafetyMargin,
            ToleratedConsecutiveFailures = _options.ToleratedConsecutiveFailures,
            ConsecutiveFailures = core.ConsecutiveFailures,
            LastError = core.LastError,
            LastErrorAt = core.LastError is null ? null : utcNow - TicksToSpan(now - core.LastErrorAt),
            AgentCalls = core.AgentCalls,
            Lapses = core.Lapses,
            IsShutdownRequested = _registry.IsShutdownRequested,
            AbandonedSessions = Volatile.Read(ref _abandonedSessions),
        };
    }

    /// <inheritdoc />
    /// <remarks>
    /// On a shared clock the session's start timestamp stands in for "now", saving a clock read on every EnterAsync
    /// (the fast path's costliest step after the atomics). It is a few instructions old, and coverage closes <see cref="TaskProtectionOptions.ProtectionBuffer"/>
    /// before the lease expires, so it only errs if the thread stalls for longer than the buffer between the two, which
    /// the buffer exists to rule out. The release race does not depend on the time: the session was counted before
    /// the coverage field is read.
    /// </remarks>
    bool IProtectionCoordinator.IsCovered(long enteredAt) =>
        _client is null || Volatile.Read(ref _coverageUntil) > (_sharesRegistryClock ? enteredAt : _time.GetTimestamp());

    /// <inheritdoc />
    void IProtectionCoordinator.OnActivityChanged()
    {
        RequestWake();
        if (_registry.ActiveCount == 0)
        {
            Volatile.Read(ref _drainIdle)?.TrySetResult();
        }
    }

    /// <inheritdoc />
    bool IProtectionCoordinator.WantsSessionDurations => _metrics.SessionDurationsEnabled;

    /// <inheritdoc />
    void IProtectionCoordinator.OnSessionEnded(string name, TimeSpan duration) => _metrics.SessionEnded(name, duration);

    private TimeSpan LeaseRemaining()
    {
        long expiry = Volatile.Read(ref _status).LeaseExpiry;
        long now = _time.GetTimestamp();
        return expiry != 0 && expiry > now ? TicksToSpan(expiry - now) : TimeSpan.Zero;
    }

    /// <inheritdoc />
    Task<CriticalSession> IProtectionCoordinator.WaitForCoverageAsync(CriticalSession session, CancellationToken cancellationToken)
    {
        // A waiter may need the loop even without a 0→1 change (a new session after a force-disable, say).
        RequestWake();
        // Not StartNew(…, cancellationToken): a token cancelled before the scheduler ran the waiter would cancel it
        // unstarted, and nothing would end the session. The waiter observes the token itself.
        return Task.Factory.StartNew(() => WaitForCoverageCoreAsync(session, cancellationToken), CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler).Unwrap();
    }

    private bool IsCovered() =>
        _client is null || Volatile.Read(ref _coverageUntil) > _time.GetTimestamp();

    private async Task<CriticalSession> WaitForCoverageCoreAsync(CriticalSession session, CancellationToken cancellationToken)
    {
        try
        {
            await WaitUntilCoveredAsync(session, cancellationToken);
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private async Task WaitUntilCoveredAsync(CriticalSession session, CancellationToken cancellationToken)
    {
        long deadline = _time.GetTimestamp() + ToTicks(_options.AcquireTimeout);
        while (true)
        {
            // Read the gate before the state: a state change after this read completes this gate.
            Task gate = Volatile.Read(ref _gate).Task;
            if (IsCovered())
            {
                return;
            }

            string? failFast = FailFastReason(session);
            if (failFast is not null)
            {
                ProceedOrThrow(session, failFast);
                return;
            }

            long left = deadline - _time.GetTimestamp();
            if (left <= 0)
            {
                ProceedOrThrow(session, string.Create(CultureInfo.InvariantCulture, $"protection was not confirmed within AcquireTimeout ({_options.AcquireTimeout})"));
                return;
            }

            try
            {
                await gate.WaitAsync(WholeMillisecondsUp(left), _time, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Loop once more: the deadline check above reports it.
            }
        }
    }

    private string? FailFastReason(CriticalSession session)
    {
        switch (Mode)
        {
            case ProtectionMode.Lost:
                return "ECS refused task protection: " + (Volatile.Read(ref _status).LastError ?? "see the log");
            case ProtectionMode.Capped:
                return string.Create(CultureInfo.InvariantCulture, $"continuous protection reached MaxProtectionDuration ({_options.MaxProtectionDuration})");
            case ProtectionMode.ForceDisabled when session.Id <= Volatile.Read(ref _forceDisabledAtEntered):
                return "protection was force-disabled";
            case ProtectionMode.Stopped:
                return "the task protection manager is stopped";
            default:
                return null;
        }
    }

    private void ProceedOrThrow(CriticalSession session, string why)
    {
        if (_options.AcquireTimeoutBehavior == AcquireTimeoutBehavior.Throw)
        {
            throw new TaskProtectionException(
                $"Critical session '{session.Name}' was not started: {why}. (AcquireTimeoutBehavior is Throw; set it to Proceed to run unprotected instead.)");
        }

        Log.ProceedingUnprotected(_logger, session.Name, session.Id, why);
    }

    private void SetMode(ProtectionMode mode) => Interlocked.Exchange(ref _mode, (int)mode);

    /// <summary>
    /// Completes the current gate so that waiters re-check. Completion runs as a work item on the loop's scheduler:
    /// never inline on the loop, so that no caller's code ever runs on (and stalls) the state machine.
    /// </summary>
    private void PulseGate()
    {
        TaskCompletionSource previous = Interlocked.Exchange(ref _gate, new TaskCompletionSource());
        Dispatch(static state => ((TaskCompletionSource)state!).TrySetResult(), previous);
    }

    /// <summary>
    /// Wakes the loop without running it on the caller's thread (a session's Enter must never block) and without
    /// allocating: a cached thread-pool work item in production, coalesced while one is pending.
    /// </summary>
    private void RequestWake()
    {
        if (Interlocked.Exchange(ref _wakePending, 1) != 0)
        {
            return;
        }

        if (ReferenceEquals(_scheduler, TaskScheduler.Default))
        {
            ThreadPool.UnsafeQueueUserWorkItem(_wakeItem, preferLocal: false);
        }
        else
        {
            Dispatch(static state => ((TaskProtectionManager)state!).CompleteWake(), this);
        }
    }

    private void CompleteWake()
    {
        Volatile.Write(ref _wakePending, 0);
        Volatile.Read(ref _wake).TrySetResult();
    }

    private void Dispatch(Action<object?> action, object? state) =>
        Task.Factory.StartNew(action, state, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler);

    private long ToTicks(TimeSpan span) => (long)(span.Ticks * (_time.TimestampFrequency / (double)TimeSpan.TicksPerSecond));

    /// <summary>
    /// Timers work in whole milliseconds and truncate: a shorter or fractional wait would wake early and, with
    /// less than a millisecond left, not wait at all. Rounding up guarantees the deadline has passed on waking.
    /// </summary>
    private TimeSpan WholeMillisecondsUp(long ticks) => TimeSpan.FromMilliseconds(Math.Ceiling(TicksToSpan(ticks).TotalMilliseconds));

    private TimeSpan TicksToSpan(long ticks) => TimeSpan.FromTicks((long)(ticks * (TimeSpan.TicksPerSecond / (double)_time.TimestampFrequency)));

    private static string DescribeSessions(IReadOnlyList<ActiveSessionInfo> sessions) =>
        sessions.Count == 0
            ? "none"
            : string.Join(", ", sessions.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} #{s.Id} (age {s.Age:g})")));

    private sealed record StatusCore(
        ProtectionMode Mode,
        long LeaseExpiry,
        long ProtectedSince,
        int ConsecutiveFailures,
        string? LastError,
        long LastErrorAt,
        long AgentCalls,
        long Lapses);

    private sealed class WakeWorkItem(TaskProtectionManager manager) : IThreadPoolWorkItem
    {
        public void Execute() => manager.CompleteWake();
    }

    private sealed class ForceDisableRequest(string reason)
    {
        public string Reason { get; } = reason;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
