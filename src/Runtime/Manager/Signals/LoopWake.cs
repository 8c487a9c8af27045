namespace TaskProtection;

/// <summary>
/// Wakes the manager's loop from any thread without running it there (a session's Enter must never block) and
/// without allocating: a cached thread-pool work item in production, coalesced while one is pending.
/// </summary>
internal sealed class LoopWake(LoopDispatcher dispatcher) : IThreadPoolWorkItem
{
    private TaskCompletionSource _wake = new();
    private int _pending;

    /// <summary>Arms a fresh signal if the last one fired; call before reading any state, so a change after the reads is never missed.</summary>
    public Task Arm()
    {
        if (_wake.Task.IsCompleted)
        {
            Volatile.Write(ref _wake, new TaskCompletionSource());
        }

        return _wake.Task;
    }

    public void Request()
    {
        if (Interlocked.Exchange(ref _pending, 1) != 0)
        {
            return;
        }

        if (dispatcher.IsThreadPool)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        else
        {
            dispatcher.Post(static state => ((LoopWake)state!).Complete(), this);
        }
    }

    void IThreadPoolWorkItem.Execute() => Complete();

    private void Complete()
    {
        Volatile.Write(ref _pending, 0);
        Volatile.Read(ref _wake).TrySetResult();
    }
}
