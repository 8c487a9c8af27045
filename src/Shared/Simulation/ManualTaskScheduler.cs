namespace TaskProtection.Simulation;

/// <summary>Runs queued tasks only when pumped, on the pumping thread: makes the manager's loop deterministic.</summary>
internal sealed class ManualTaskScheduler : TaskScheduler
{
    private readonly Queue<Task> _queue = new();
    private readonly Lock _lock = new();
    private int _depth;

    /// <summary>Called whenever an outermost pump goes idle: what a simulation observes after every step.</summary>
    public Action? Idle { get; set; }

    public void RunUntilIdle()
    {
        // Re-entrant pumps (a timer fired while pumping) just return: the outer pump drains the queue.
        if (_depth > 0)
        {
            return;
        }

        SynchronizationContext? context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        _depth++;
        try
        {
            for (int steps = 0; ; steps++)
            {
                if (steps > 1_000_000)
                {
                    throw new InvalidOperationException("The scheduler never went idle: a loop is spinning.");
                }

                Task? next;
                lock (_lock)
                {
                    if (!_queue.TryDequeue(out next))
                    {
                        break;
                    }
                }

                TryExecuteTask(next);
            }
        }
        finally
        {
            _depth--;
            SynchronizationContext.SetSynchronizationContext(context);
        }

        Idle?.Invoke();
    }

    /// <summary>
    /// Runs what is queued now, even from inside a running task: puts work (a waiting session's first look at the
    /// state, say) exactly between two statements of the loop, as another thread could.
    /// </summary>
    public void RunPendingNow()
    {
        Task[] pending;
        lock (_lock)
        {
            pending = [.. _queue];
            _queue.Clear();
        }

        foreach (Task task in pending)
        {
            TryExecuteTask(task);
        }
    }

    protected override void QueueTask(Task task)
    {
        lock (_lock)
        {
            _queue.Enqueue(task);
        }
    }

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (_lock)
        {
            return _queue.ToArray();
        }
    }
}
