using System.Diagnostics;

namespace TaskProtection;

/// <summary>
/// The thread a production manager's loop runs on, with timers of its own: the loop's waits, its deadlines for telling
/// the application and its wakes never need a thread-pool thread. Thread-pool timers and continuations stall when the
/// pool is starved (blocking work, a burst of CPU-bound jobs), and a lapse warning that waits for the pool could come
/// after the lease has ended; on this thread it comes on time. Work runs in order; timers fire on the thread itself.
/// </summary>
internal sealed class LoopThread : TaskScheduler, IDisposable
{
    private readonly object _lock = new();
    private readonly Queue<Task> _tasks = new();
    private readonly Queue<IThreadPoolWorkItem> _items = new();
    private readonly PriorityQueue<TaskCompletionSource, long> _timers = new();
    private readonly Thread _thread;
    private bool _disposed;

    public LoopThread(string name)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <inheritdoc />
    public override int MaximumConcurrencyLevel => 1;

    /// <summary>Runs <paramref name="item"/> on the loop's thread, without allocating (the wake signal).</summary>
    public void Post(IThreadPoolWorkItem item)
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                _items.Enqueue(item);
                Monitor.Pulse(_lock);
                return;
            }
        }

        ThreadPool.UnsafeQueueUserWorkItem(item, preferLocal: false);
    }

    /// <summary>A task that completes <paramref name="delay"/> from now (on the system clock), fired by the loop's thread.</summary>
    public Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        // Completed on this thread, whose continuations (the loop's) are queued here anyway.
        var timer = new TaskCompletionSource();
        if (delay == Timeout.InfiniteTimeSpan)
        {
            cancellationToken.UnsafeRegister(static (state, token) => ((TaskCompletionSource)state!).TrySetCanceled(token), timer);
            return timer.Task;
        }

        long due = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
        lock (_lock)
        {
            _timers.Enqueue(timer, due);
            Monitor.Pulse(_lock);
        }

        if (cancellationToken.CanBeCanceled)
        {
            // A cancelled timer stays queued until due, then completes nothing: TrySet* on a finished source does nothing.
            cancellationToken.UnsafeRegister(static (state, token) => ((TaskCompletionSource)state!).TrySetCanceled(token), timer);
        }

        return timer.Task;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            Monitor.Pulse(_lock);
        }
    }

    /// <inheritdoc />
    protected override void QueueTask(Task task)
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                _tasks.Enqueue(task);
                Monitor.Pulse(_lock);
                return;
            }
        }

        // After disposal (a late continuation of a stopped manager): the thread pool runs it.
        ThreadPool.UnsafeQueueUserWorkItem(static t => ((LoopThread)t.Scheduler).TryExecuteTask(t.Task), (Scheduler: this, Task: task), preferLocal: false);
    }

    /// <inheritdoc />
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        Thread.CurrentThread == _thread && TryExecuteTask(task);

    /// <inheritdoc />
    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (_lock)
        {
            return [.. _tasks];
        }
    }

    private void Run()
    {
        var due = new List<TaskCompletionSource>();
        while (Next(due) is var (task, item))
        {
            foreach (TaskCompletionSource timer in due)
            {
                timer.TrySetResult();
            }

            due.Clear();
            if (task is not null)
            {
                TryExecuteTask(task);
            }

            item?.Execute();
        }
    }

    /// <summary>Waits for work or a due timer; null once disposed and nothing is left.</summary>
    private (Task? Task, IThreadPoolWorkItem? Item)? Next(List<TaskCompletionSource> due)
    {
        lock (_lock)
        {
            while (true)
            {
                long now = Stopwatch.GetTimestamp();
                while (_timers.TryPeek(out TaskCompletionSource? timer, out long at) && at <= now)
                {
                    _timers.Dequeue();
                    due.Add(timer);
                }

                if (_tasks.TryDequeue(out Task? task))
                {
                    return (task, null);
                }

                if (_items.TryDequeue(out IThreadPoolWorkItem? item))
                {
                    return (null, item);
                }

                if (due.Count > 0)
                {
                    return (null, null);
                }

                if (_disposed)
                {
                    return null;
                }

                TimeSpan wait = _timers.TryPeek(out _, out long next)
                    ? TimeSpan.FromSeconds(Math.Ceiling((next - now) * 1000.0 / Stopwatch.Frequency) / 1000)
                    : Timeout.InfiniteTimeSpan;
                Monitor.Wait(_lock, wait);
            }
        }
    }
}
