using Microsoft.Extensions.Logging;
using TaskProtection.Testing;

namespace TaskProtection.Tests.Infrastructure;

/// <summary>A manager, registry and in-memory agent on one simulated clock, driven deterministically.</summary>
internal sealed class Harness : IAsyncDisposable
{
    public Harness(
        TaskProtectionOptions? options = null,
        Func<DateTimeOffset, TimeSpan>? lateness = null,
        Func<double>? jitter = null,
        bool withClient = true,
        bool validate = true,
        ILogger? logger = null,
        CriticalSessionRegistry? registry = null,
        System.Diagnostics.Metrics.IMeterFactory? meterFactory = null,
        Func<TimeProvider, TimeProvider>? managerClock = null,
        Func<ITaskProtectionClient, ITaskProtectionClient>? client = null,
        Harness? sameTask = null,
        Func<TimeProvider, ICoordinationStore>? coordination = null,
        Func<ProtectionModel, ITaskProtectionClient>? backend = null)
    {
        // Another process of the same task: one clock, one scheduler, one agent.
        Scheduler = sameTask?.Scheduler ?? new ManualTaskScheduler();
        Clock = sameTask?.Clock ?? new SimulatedClock(Scheduler);
        Start = sameTask?.Start ?? Clock.GetUtcNow();
        TimeProvider managerTime = lateness is null ? Clock : new LateTimeProvider(Clock, lateness);
        managerTime = managerClock?.Invoke(managerTime) ?? managerTime;
        Model = sameTask?.Model ?? new ProtectionModel(Clock);
        Registry = registry ?? new CriticalSessionRegistry(Clock);
        Options = options ?? new TaskProtectionOptions();
        Manager = new TaskProtectionManager(
            withClient ? (client ?? (static c => c))(backend?.Invoke(Model) ?? new InMemoryTaskProtectionClient(Model)) : new UnavailableTaskProtectionClient("test: no agent"),
            Options,
            Registry,
            managerTime,
            logger,
            Scheduler,
            jitter ?? (() => 0.5),
            validate,
            meterFactory,
            coordination?.Invoke(Clock));
        Manager.StartAsync().GetAwaiter().GetResult();
        Scheduler.RunUntilIdle();
    }

    public ManualTaskScheduler Scheduler { get; }

    public SimulatedClock Clock { get; }

    public DateTimeOffset Start { get; }

    public ProtectionModel Model { get; }

    public CriticalSessionRegistry Registry { get; }

    public TaskProtectionOptions Options { get; }

    public TaskProtectionManager Manager { get; }

    public TimeSpan Elapsed => Clock.GetUtcNow() - Start;

    public void Pump()
    {
        Scheduler.RunUntilIdle();
        ThrowIfLoopFaulted();
    }

    /// <summary>The state machine must never die: a fault there would silently stop all renewals.</summary>
    public void ThrowIfLoopFaulted()
    {
        if (Manager.LoopTask is { IsFaulted: true } loop)
        {
            throw new InvalidOperationException("The manager's loop faulted.", loop.Exception);
        }
    }

    public void Advance(TimeSpan span)
    {
        Clock.AdvanceBy(span);
        ThrowIfLoopFaulted();
    }

    public void AdvanceTo(TimeSpan sinceStart)
    {
        Clock.AdvanceTo(Start + sinceStart);
        ThrowIfLoopFaulted();
    }

    /// <summary>Enters asynchronously and pumps; the returned task completes when EnterAsync returns.</summary>
    public Task<CriticalSession> EnterAsync(string name = "job", CancellationToken cancellationToken = default)
    {
        Task<CriticalSession> task = Registry.EnterAsync(name, cancellationToken).AsTask();
        Pump();
        return task;
    }

    /// <summary>Enters and requires EnterAsync to have returned after pumping (never awaits a task only a pump can finish).</summary>
    public CriticalSession Entered(string name = "job")
    {
        Task<CriticalSession> task = EnterAsync(name);
        Assert.True(task.IsCompleted, $"EnterAsync('{name}') had not returned at {Elapsed}.");
        return task.GetAwaiter().GetResult();
    }

    public IReadOnlyList<AgentCall> Puts(bool? enabled = null) =>
        Model.Calls.Where(c => c.Method == "PUT" && (enabled is null || c.Body.Contains($"\"ProtectionEnabled\":{(enabled.Value ? "true" : "false")}", StringComparison.Ordinal))).ToList();

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>
    /// Stops the manager (SIGTERM without the host): first pumps, without moving simulated time, until the loop has seen
    /// the stop (that takes thread-pool hops: a busy pool must not let simulated hours pass meanwhile, for the stop would
    /// then find the lease run out and nothing to release); then moves time in 100 ms steps until the stop's release,
    /// and any second one, is done. Every wait is bounded in real time.
    /// </summary>
    public async Task StopAsync()
    {
        Task stop = Manager.StopAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!stop.IsCompleted && Manager.LoopTask is { IsCompleted: false } && watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            Scheduler.RunUntilIdle();
            await Task.WhenAny(stop, Task.Delay(TimeSpan.FromMilliseconds(1)));
        }

        while (!stop.IsCompleted && watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            Scheduler.RunUntilIdle();
            Clock.AdvanceBy(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
        }

        Scheduler.RunUntilIdle();
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
