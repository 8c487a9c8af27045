namespace TaskProtection;

/// <summary>
/// Where the manager's work runs. The loop runs on <see cref="Loop"/>: a thread of its own with its own timers in
/// production (see <see cref="LoopThread"/>), the deterministic scheduler in simulations. Everything handed to the
/// application's code (gate completions that resume waiting sessions, event handlers) runs on <see cref="Callbacks"/>:
/// the thread pool in production, so that no caller's code ever runs on, and stalls, the loop.
/// </summary>
internal sealed class LoopDispatcher : IDisposable
{
    private readonly LoopThread? _thread;
    private LoopThread? _io;
    private readonly TimeProvider _time;

    /// <summary>In production (<paramref name="scheduler"/> is the thread pool): a loop thread; otherwise everything on <paramref name="scheduler"/>.</summary>
    public LoopDispatcher(TaskScheduler scheduler, TimeProvider time)
    {
        _time = time;
        Callbacks = scheduler;
        if (ReferenceEquals(scheduler, TaskScheduler.Default))
        {
            _thread = new LoopThread("TaskProtection loop");
            Loop = _thread;
        }
        else
        {
            Loop = scheduler;
        }
    }

    public TaskScheduler Loop { get; }

    public TaskScheduler Callbacks { get; }

    /// <summary>
    /// Where file operations of coordination run: a thread of their own in production (a hung network file system blocks
    /// it, never the loop), the simulation's scheduler otherwise.
    /// </summary>
    public TaskScheduler Io => _thread is null ? Loop : LazyInitializer.EnsureInitialized(ref _io, static () => new LoopThread("TaskProtection coordination"));

    /// <summary>Runs application-facing work (never on the loop).</summary>
    public void Post(Action<object?> action, object? state) =>
        Task.Factory.StartNew(action, state, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Callbacks);

    /// <summary>Runs work whose continuations the application's code follows (a waiting session).</summary>
    public Task<T> RunForCaller<T>(Func<Task<T>> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Callbacks).Unwrap();

    /// <summary>Runs the loop's work.</summary>
    public Task RunOnLoop(Func<Task> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Loop).Unwrap();

    /// <summary>Runs the loop's work.</summary>
    public Task<T> RunOnLoop<T>(Func<Task<T>> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Loop).Unwrap();

    /// <summary>Wakes the loop with a cached work item: no allocation, and no thread-pool thread needed in production.</summary>
    public void Wake(IThreadPoolWorkItem item)
    {
        if (_thread is not null)
        {
            _thread.Post(item);
        }
        else
        {
            Task.Factory.StartNew(static state => ((IThreadPoolWorkItem)state!).Execute(), item, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Loop);
        }
    }

    /// <summary>
    /// A wait on the manager's clock for the loop: fired by the loop's own thread on the system clock, so that a starved
    /// thread pool cannot make it late; through the clock's own timers otherwise (a test's fake clock).
    /// </summary>
    public Task Delay(TimeSpan delay, CancellationToken cancellationToken) =>
        _thread is not null && ReferenceEquals(_time, TimeProvider.System)
            ? _thread.Delay(delay, cancellationToken)
            : Task.Delay(delay, _time, cancellationToken);

    public void Dispose()
    {
        _thread?.Dispose();
        _io?.Dispose();
    }
}
