namespace TaskProtection;

/// <summary>
/// The registry's sessions as the manager counts them: active ones, and those still waiting in EnterAsync for coverage
/// (their bodies have not started). Shared by session admission, which counts the waiting, and the loop.
/// </summary>
internal sealed class SessionCounts(CriticalSessionRegistry registry)
{
    public CriticalSessionRegistry Registry => registry;

    public int Active => registry.ActiveCount;

    public long TotalEntered => registry.TotalEntered;

    /// <summary>
    /// Sessions whose body may be running: every active one that is not waiting, both counts read at once. Read it after
    /// closing coverage and publishing the mode: a waiter stops counting as waiting before it looks at coverage and the
    /// mode (both sides with full fences), so a session is either counted here or sees coverage closed and the new mode.
    /// </summary>
    public int Running => registry.RunningCount;

    /// <summary>Counts a session that starts (+1) or stops (−1) waiting for coverage.</summary>
    public void AddWaiting(int delta) => registry.AddWaiting(delta);

    public IReadOnlyList<ActiveSessionInfo> Snapshot() => registry.GetActiveSessions();
}
