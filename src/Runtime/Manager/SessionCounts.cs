namespace TaskProtection;

/// <summary>
/// The registry's sessions as the manager counts them: active ones, and those still waiting in EnterAsync for coverage
/// (their bodies have not started). Shared by session admission, which counts the waiting, and the loop.
/// </summary>
internal sealed class SessionCounts(CriticalSessionRegistry registry)
{
    private int _waiting;

    public CriticalSessionRegistry Registry => registry;

    public int Active => registry.ActiveCount;

    public long TotalEntered => registry.TotalEntered;

    /// <summary>
    /// Sessions whose body may be running: every active one that is not waiting. Read it after closing coverage: a waiter
    /// stops counting as waiting before it looks at coverage (both with full fences), so a session is either counted here
    /// or sees coverage closed and waits on.
    /// </summary>
    public int Running => Math.Max(0, registry.ActiveCount - Volatile.Read(ref _waiting));

    /// <summary>Counts a session that starts (+1) or stops (−1) waiting for coverage.</summary>
    public void AddWaiting(int delta) => Interlocked.Add(ref _waiting, delta);

    public IReadOnlyList<ActiveSessionInfo> Snapshot() => registry.GetActiveSessions();
}
