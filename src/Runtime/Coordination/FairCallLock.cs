namespace TaskProtection;

/// <summary>
/// The call lock within one process (the file lock serializes processes; this, the calls of one process): first come,
/// first served, and deterministic. A waiter's continuation runs on the
/// scheduler it awaited on, and a cancellation is settled on the thread that cancels. SemaphoreSlim hops through the
/// thread pool on both paths, so in a simulation a lock handed over (or a wait cancelled) could land after the
/// simulated run had moved on, and every process would then wait behind a lock no one held.
/// </summary>
internal sealed class FairCallLock
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource> _waiters = [];
    private bool _taken;

    public Task WaitAsync(CancellationToken cancellationToken)
    {
        LinkedListNode<TaskCompletionSource> node;
        lock (_lock)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!_taken)
            {
                _taken = true;
                return Task.CompletedTask;
            }

            node = _waiters.AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        CancellationTokenRegistration registration = cancellationToken.Register(() => Cancel(node, cancellationToken));
        _ = node.Value.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return node.Value.Task;
    }

    /// <summary>Hands the lock to the first waiter, or frees it.</summary>
    public void Release()
    {
        lock (_lock)
        {
            if (!_taken)
            {
                throw new InvalidOperationException("The call lock is not held.");
            }

            if (_waiters.First is { } first)
            {
                _waiters.RemoveFirst();
                first.Value.SetResult();
                return;
            }

            _taken = false;
        }
    }

    private void Cancel(LinkedListNode<TaskCompletionSource> node, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (node.List is null)
            {
                return; // Handed the lock already: the waiter owns it and will release it.
            }

            _waiters.Remove(node);
        }

        node.Value.SetCanceled(cancellationToken);
    }
}
