using TaskProtection.Fleet.Engine;
using TaskProtection.Simulation;

namespace TaskProtection.Fleet.Designs;

/// <summary>What every design's code in a task runs on: the fleet's clock and scheduler, and a seeded random source.</summary>
public sealed class DesignContext
{
    internal DesignContext(FleetClock clock, Random random, IEcsApiTransport? ecsApi = null)
    {
        Clock = clock;
        Random = random;
        EcsApi = ecsApi;
    }

    public FleetClock Clock { get; }

    public Random Random { get; }

    /// <summary>The simulated ECS API the deployment check calls (DescribeServices, DescribeTasks).</summary>
    internal IEcsApiTransport? EcsApi { get; }

    /// <summary>Counts, by reason, how often a design told the application that protection was lost.</summary>
    public Dictionary<string, int> ToldReasons { get; } = [];

    internal ManualTaskScheduler Scheduler => Clock.Scheduler;

    /// <summary>Runs <paramref name="work"/> on the simulation's scheduler, so that its awaits resume there.</summary>
    public void Run(Func<Task> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Scheduler).Unwrap();

    /// <summary>Calls <paramref name="then"/> on the simulation's scheduler when <paramref name="task"/> completes.</summary>
    public void When(Task task, Action<Task> then) =>
        task.ContinueWith(then, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, Scheduler);
}
