using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace TaskProtection;

/// <summary>The parts of one manager that its loop, its session admission and its drain share.</summary>
internal sealed class ManagerContext
{
    private int _waitingSessions;

    public ManagerContext(
        TaskProtectionOptions options,
        CriticalSessionRegistry registry,
        TimeProvider time,
        ILogger logger,
        TaskScheduler scheduler,
        Func<double> jitter,
        IMeterFactory? meterFactory)
    {
        Options = options;
        Registry = registry;
        Clock = new ManagerClock(time);
        Logger = new GuardedLogger(logger);
        Jitter = jitter;
        Dispatcher = new LoopDispatcher(scheduler);
        Wake = new LoopWake(Dispatcher);
        Gate = new CoverageGate(Dispatcher);
        Signal = new LossSignal(Dispatcher, Logger);
        Metrics = new TaskProtectionMetrics(meterFactory, () => registry.ActiveCount, () => LeaseRemaining() > TimeSpan.Zero, () => LeaseRemaining().TotalSeconds);
    }

    public TaskProtectionOptions Options { get; }

    public CriticalSessionRegistry Registry { get; }

    public ManagerClock Clock { get; }

    public ILogger Logger { get; }

    public Func<double> Jitter { get; }

    public LoopDispatcher Dispatcher { get; }

    public LoopWake Wake { get; }

    public CoverageGate Gate { get; }

    public LossSignal Signal { get; }

    public SharedState State { get; } = new();

    public TaskProtectionMetrics Metrics { get; }

    /// <summary>Whether the client coordinates with the task's other processes (CoordinationDirectory is set).</summary>
    public bool Coordinated { get; set; }

    /// <summary>Sessions waiting in EnterAsync for coverage: their bodies have not started.</summary>
    public int WaitingSessions => Volatile.Read(ref _waitingSessions);

    /// <summary>
    /// Sessions whose body may be running: every active one that is not waiting. Read it after closing coverage: a
    /// waiter stops counting as waiting before it looks at coverage (both with full fences), so a session is either
    /// counted here or sees coverage closed and waits on.
    /// </summary>
    public int RunningSessions => Math.Max(0, Registry.ActiveCount - WaitingSessions);

    /// <summary>Force-disable requests, handled by the loop in order.</summary>
    public ConcurrentQueue<ForceDisableRequest> Commands { get; } = new();

    /// <summary>Counts a session that starts (+1) or stops (−1) waiting for coverage.</summary>
    public void AddWaiting(int delta) => Interlocked.Add(ref _waitingSessions, delta);

    public TimeSpan LeaseRemaining()
    {
        long expiry = State.Core.LeaseExpiry;
        long now = Clock.Now;
        return expiry != 0 && expiry > now ? Clock.ToSpan(expiry - now) : TimeSpan.Zero;
    }
}

/// <summary>One call to <see cref="TaskProtectionManager.ForceDisableProtectionAsync"/>, waiting for the loop.</summary>
internal sealed class ForceDisableRequest(string reason, bool remote = false)
{
    public string Reason { get; } = reason;

    /// <summary>Another process of the task force-disabled protection: tell and stop renewing, but send nothing.</summary>
    public bool Remote { get; } = remote;

    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
