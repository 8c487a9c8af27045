namespace TaskProtection;

/// <summary>
/// Knows which critical work is in flight. Generated <see cref="CriticalSectionAttribute"/> wrappers enter it;
/// the attached <see cref="TaskProtectionManager"/> keeps the task protected while <see cref="ActiveCount"/> &gt; 0.
/// Entering and ending a session is lock-free and allocates nothing.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Design",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "The shutdown token source has no timer and no wait handle; registries live as long as the process.")]
public sealed class CriticalSessionRegistry
{
    private readonly TimeProvider _timeProvider;
    private readonly SessionTable _table = new();
    private readonly Lock _attachLock = new();
    private readonly CancellationTokenSource _shutdown = new();
    private IProtectionCoordinator? _coordinator;
    private long _lastId;

    // The active sessions (low 32 bits) and, of those, the ones still waiting in EnterAsync for coverage (high 32 bits),
    // in one word: the loop counts the sessions whose body may run (active less waiting) in one atomic read, for two
    // reads could pair an old active count with a newer waiting count and miss a running body.
    private long _counts;
    private int _refusing;

    /// <summary>Creates a registry; most apps use <see cref="Default"/>.</summary>
    /// <param name="timeProvider">Source of session start times; <see cref="TimeProvider.System"/> when null.</param>
    public CriticalSessionRegistry(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The process-wide registry that generated wrappers and <c>AddTaskProtection</c> use.</summary>
    public static CriticalSessionRegistry Default { get; } = new();

    /// <summary>How many sessions are active now.</summary>
    public int ActiveCount => ActiveOf(Volatile.Read(ref _counts));

    /// <summary>How many sessions have been entered since the registry was created.</summary>
    public long TotalEntered => Volatile.Read(ref _lastId);

    /// <summary>Whether a manager is attached.</summary>
    public bool HasManager => Volatile.Read(ref _coordinator) is not null;

    /// <summary>
    /// Cancelled once the task starts shutting down (SIGTERM, SIGINT or <c>StopApplication</c> through
    /// <c>AddTaskProtection</c>, or <see cref="TaskProtectionManager.RequestShutdown"/>). Long work should watch it to
    /// checkpoint and finish early: running sessions are waited for only until <see cref="TaskProtectionOptions.DrainTimeout"/>.
    /// Once requested, shutdown stays requested.
    /// </summary>
    public CancellationToken ShutdownRequested => _shutdown.Token;

    /// <summary>Whether shutdown has been requested; see <see cref="ShutdownRequested"/>.</summary>
    public bool IsShutdownRequested => _shutdown.IsCancellationRequested;

    /// <summary>
    /// Registers a session and returns at once, without waiting for protection: the body may start before the
    /// task is protected. Prefer <see cref="EnterAsync"/> where the caller can await.
    /// </summary>
    /// <param name="name">The session name shown in status, logs and metrics.</param>
    /// <returns>The handle that ends the session when disposed.</returns>
    /// <exception cref="CriticalSessionRefusedException">
    /// The task is shutting down, or draining before <see cref="TaskProtectionOptions.MaxProtectionDuration"/>, and refuses new sessions.
    /// </exception>
    public CriticalSession Enter(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Volatile.Read(ref _refusing) != 0)
        {
            throw CriticalSessionRefusedException.For(name);
        }

        long startTimestamp = _timeProvider.GetTimestamp();
        if (!TryEnterCounted(name, startTimestamp, out CriticalSession session))
        {
            throw CriticalSessionRefusedException.For(name);
        }

        // The body starts now, covered or not: a manager that is not covering it must hear of it at once (after a
        // force-disable, say, a new session re-enables protection without any 0→1 change).
        IProtectionCoordinator? coordinator = Volatile.Read(ref _coordinator);
        if (coordinator is not null && !coordinator.IsCovered(startTimestamp) && coordinator.OnUncoveredEntry() is { } refusal)
        {
            session.Dispose();
            throw CriticalSessionRefusedException.For(name, refusal);
        }

        return session;
    }

    /// <summary>Counts a session; false (and nothing counted) when shutdown began refusing sessions meanwhile.</summary>
    private bool TryEnterCounted(string name, long startTimestamp, out CriticalSession session)
    {
        long id = Interlocked.Increment(ref _lastId);
        SessionSlot slot = _table.Claim(id, name, startTimestamp);
        if (TaskProtectionDiagnostics.ActivitySource.HasListeners())
        {
            slot.Activity = StartActivity(name, id);
        }

        if (ActiveOf(Interlocked.Increment(ref _counts)) == 1)
        {
            Volatile.Read(ref _coordinator)?.OnActivityChanged();
        }

        // Look at the refusal again now that the session is counted (the increment is a full fence, and so is the write
        // in BeginShutdown): either the drain, which reads the count after refusing, waits for this session, or this
        // session sees the refusal and withdraws. Without it, a session could be counted after the drain saw none.
        if (Volatile.Read(ref _refusing) != 0)
        {
            Remove(slot, id, recordDuration: false);
            session = default;
            return false;
        }

        session = new CriticalSession(this, slot, id, name);
        return true;
    }

    /// <summary>
    /// Registers a session and completes once protection covers it: at once when it already does, when no manager
    /// is attached, or when the manager runs without an agent. When protection cannot be confirmed within
    /// <see cref="TaskProtectionOptions.AcquireTimeout"/>, <see cref="TaskProtectionOptions.AcquireTimeoutBehavior"/> decides.
    /// </summary>
    /// <param name="name">The session name shown in status, logs and metrics.</param>
    /// <param name="cancellationToken">Cancels the wait; the session is then ended and the wait throws.</param>
    /// <returns>The handle that ends the session when disposed.</returns>
    public ValueTask<CriticalSession> EnterAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);

        // Failures travel in the returned task, as they would from an async method: callers that collect tasks
        // (Task.WhenAll over a Select) see a cancelled task, not an exception thrown while they build the list.
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<CriticalSession>(cancellationToken);
        }

        if (Volatile.Read(ref _refusing) != 0)
        {
            return ValueTask.FromException<CriticalSession>(CriticalSessionRefusedException.For(name));
        }

        long startTimestamp = _timeProvider.GetTimestamp();
        if (!TryEnterCounted(name, startTimestamp, out CriticalSession session))
        {
            return ValueTask.FromException<CriticalSession>(CriticalSessionRefusedException.For(name));
        }

        // The session is counted before coverage is read: a manager deciding to release sees it, or we see the release.
        IProtectionCoordinator? coordinator = Volatile.Read(ref _coordinator);
        if (coordinator is null || coordinator.IsCovered(startTimestamp))
        {
            return new ValueTask<CriticalSession>(session);
        }

        return new ValueTask<CriticalSession>(coordinator.WaitForCoverageAsync(session, cancellationToken));
    }

    /// <summary>Sessions whose body may be running: the active ones less those waiting for coverage, read at once.</summary>
    internal int RunningCount
    {
        get
        {
            long counts = Volatile.Read(ref _counts); // One read of a long is atomic in .NET, on 32-bit too.
            return Math.Max(0, ActiveOf(counts) - (int)(counts >> 32));
        }
    }

    /// <summary>Counts an active session that starts (+1) or stops (−1) waiting for coverage (a full fence).</summary>
    internal void AddWaiting(int delta) => Interlocked.Add(ref _counts, (long)delta << 32);

    /// <summary>The clock of session start times: a manager on the same clock can use them as "now".</summary>
    internal TimeProvider TimeProvider => _timeProvider;

    /// <summary>A snapshot of the active sessions: id, name, start and age.</summary>
    /// <returns>The sessions, oldest first.</returns>
    public IReadOnlyList<ActiveSessionInfo> GetActiveSessions()
    {
        long now = _timeProvider.GetTimestamp();
        DateTimeOffset utcNow = _timeProvider.GetUtcNow();
        List<(long Id, string Name, long StartTimestamp)> raw = _table.Snapshot();
        var sessions = new List<ActiveSessionInfo>(raw.Count);
        foreach ((long id, string name, long start) in raw)
        {
            TimeSpan age = _timeProvider.GetElapsedTime(start, now);
            sessions.Add(new ActiveSessionInfo { Id = id, Name = name, StartedAt = utcNow - age, Age = age });
        }

        sessions.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        return sessions;
    }

    internal void Attach(IProtectionCoordinator coordinator)
    {
        lock (_attachLock)
        {
            if (_coordinator is { IsStopped: false } && !ReferenceEquals(_coordinator, coordinator))
            {
                throw new InvalidOperationException(
                    "Another TaskProtectionManager is already attached to this CriticalSessionRegistry. Call AddTaskProtection once, or give each manager its own registry.");
            }

            Volatile.Write(ref _coordinator, coordinator);
        }

        // Sessions entered before the manager attached still need protection.
        if (ActiveCount > 0)
        {
            coordinator.OnActivityChanged();
        }
    }

    /// <summary>
    /// Marks the task as shutting down: cancels <see cref="ShutdownRequested"/> and, when asked, refuses new sessions.
    /// Callbacks registered on the token run here; their failures are returned, not thrown, so that shutdown goes on.
    /// </summary>
    internal AggregateException? BeginShutdown(bool refuseNewSessions)
    {
        if (refuseNewSessions)
        {
            // A full fence: the drain reads the active count after this (see TryEnterCounted).
            Interlocked.Exchange(ref _refusing, 1);
        }

        try
        {
            _shutdown.Cancel();
            return null;
        }
        catch (AggregateException ex)
        {
            return ex;
        }
    }

    internal void Exit(SessionSlot slot, long id) => Remove(slot, id, recordDuration: true);

    private void Remove(SessionSlot slot, long id, bool recordDuration)
    {
        // Read before releasing: the slot may be reused at once afterwards.
        string? name = Volatile.Read(ref slot.Name);
        long start = Volatile.Read(ref slot.StartTimestamp);
        System.Diagnostics.Activity? activity = Volatile.Read(ref slot.Activity);
        if (!SessionTable.Release(slot, id))
        {
            return;
        }

        activity?.Stop();
        IProtectionCoordinator? coordinator = Volatile.Read(ref _coordinator);
        if (recordDuration && coordinator is not null && name is not null && coordinator.WantsSessionDurations)
        {
            coordinator.OnSessionEnded(name, _timeProvider.GetElapsedTime(start));
        }

        if (ActiveOf(Interlocked.Decrement(ref _counts)) == 0)
        {
            coordinator?.OnActivityChanged();
        }
    }

    /// <summary>The active count in <see cref="_counts"/>: its low 32 bits (waiting ones are active too, so it never borrows).</summary>
    private static int ActiveOf(long counts) => unchecked((int)counts);

    /// <summary>
    /// Starts the session's activity without making it current: the session may end on another flow (an awaited
    /// body), and a caller's later work must not be parented to it.
    /// </summary>
    private static System.Diagnostics.Activity? StartActivity(string name, long id)
    {
        System.Diagnostics.Activity? previous = System.Diagnostics.Activity.Current;
        System.Diagnostics.Activity? activity = TaskProtectionDiagnostics.ActivitySource.StartActivity(
            TaskProtectionDiagnostics.SessionActivityName, System.Diagnostics.ActivityKind.Internal);
        if (activity is not null)
        {
            activity.DisplayName = name;
            activity.SetTag(TaskProtectionDiagnostics.SessionNameTag, name);
            activity.SetTag(TaskProtectionDiagnostics.SessionIdTag, id);
            System.Diagnostics.Activity.Current = previous;
        }

        return activity;
    }
}
