namespace TaskProtection.Simulation;

/// <summary>Runs queued tasks only when pumped, on the pumping thread: makes the manager's loop deterministic.</summary>
internal sealed class ManualTaskScheduler : TaskScheduler
{
    private readonly Queue<Task> _queue = new();
    private readonly Lock _lock = new();

    // The thread pumping now, or 0. A pump asked for while one runs (re-entrantly from a timer fired while pumping, or
    // from a pool thread that fired a timer) just returns: the running pump drains the queue. A plain depth counter
    // raced when a pool thread pumped, and could stay raised for good, so that nothing ran again.
    private int _pumpingThread;

    /// <summary>Called whenever an outermost pump goes idle: what a simulation observes after every step.</summary>
    public Action? Idle { get; set; }

    /// <summary>Whether this thread is pumping the scheduler now.</summary>
    public bool IsPumpingHere => Volatile.Read(ref _pumpingThread) == Environment.CurrentManagedThreadId;

    /// <summary>Queues <paramref name="action"/> to run at the next pump.</summary>
    public void Post(Action action) =>
        Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this);

    public void RunUntilIdle()
    {
        if (Interlocked.CompareExchange(ref _pumpingThread, Environment.CurrentManagedThreadId, 0) != 0)
        {
            return;
        }

        SynchronizationContext? context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
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
            Volatile.Write(ref _pumpingThread, 0);
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
