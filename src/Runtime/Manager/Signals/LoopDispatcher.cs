namespace TaskProtection;

/// <summary>
/// Runs work on the manager's scheduler: the thread pool in production, a deterministic scheduler in simulations.
/// Everything the manager hands to callers' code (gate completions, event handlers) goes through here, so that no
/// caller's code ever runs on, and stalls, the state machine.
/// </summary>
internal sealed class LoopDispatcher(TaskScheduler scheduler)
{
    public bool IsThreadPool => ReferenceEquals(scheduler, TaskScheduler.Default);

    public void Post(Action<object?> action, object? state) =>
        Task.Factory.StartNew(action, state, CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler);

    public Task Run(Func<Task> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler).Unwrap();

    public Task<T> Run<T>(Func<Task<T>> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler).Unwrap();
}
