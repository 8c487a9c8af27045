namespace TaskProtection;

/// <summary>
/// Wakes the manager's loop from any thread without running it there (a session's Enter must never block) and
/// without allocating: a cached thread-pool work item in production, coalesced while one is pending.
/// </summary>
internal sealed class LoopWake(LoopDispatcher dispatcher) : IThreadPoolWorkItem
{
    private TaskCompletionSource _wake = new();
    private int _pending;

    /// <summary>
    /// Arms a fresh signal if the last one fired; call before reading any state, so a change after the reads is never
    /// missed. The exchange is a full fence: the loop's later reads cannot move before it (a store followed by a load
    /// is the one reordering x64 allows).
    /// </summary>
    public Task Arm()
    {
        TaskCompletionSource current = Volatile.Read(ref _wake);
        if (current.Task.IsCompleted)
        {
            current = new TaskCompletionSource();
            Interlocked.Exchange(ref _wake, current);
        }

        return current.Task;
    }

    public void Request()
    {
        if (Interlocked.Exchange(ref _pending, 1) != 0)
        {
            return;
        }

        dispatcher.Wake(this);
    }

    void IThreadPoolWorkItem.Execute() => Complete();

    private void Complete()
    {
        // A full fence before reading the signal: a request that found this one pending is seen by the loop's next reads.
        Interlocked.Exchange(ref _pending, 0);
        Volatile.Read(ref _wake).TrySetResult();
    }
}
