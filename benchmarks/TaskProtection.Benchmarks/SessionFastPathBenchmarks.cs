using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using TaskProtection.Testing;

namespace TaskProtection.Benchmarks;

/// <summary>
/// Entering and ending a session while protection already covers it, by 1–64 concurrent workers, against the floor any
/// registry that records a start time must pay: one atomic increment, one timestamp, one atomic decrement.
/// </summary>
[MemoryDiagnoser]
public class SessionFastPathBenchmarks
{
    private const int OperationsPerWorker = 20_000;
    private CriticalSessionRegistry _registry = null!;
    private TaskProtectionManager _manager = null!;
    private CriticalSession _holder;
    private long _floorActive;
    private long _floorIds;

    [Params(1, 2, 8, 64)]
    public int Workers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _registry = new CriticalSessionRegistry();
        _manager = new TaskProtectionManager(new InMemoryTaskProtectionClient(new ProtectionModel()), new TaskProtectionOptions(), _registry);
        _manager.StartAsync().GetAwaiter().GetResult();

        // One long session holds protection, so every measured EnterAsync is covered and completes synchronously.
        _holder = _registry.EnterAsync("holder").AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _holder.Dispose();
        _manager.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = OperationsPerWorker)]
    public void Floor() => Run(() =>
    {
        for (int i = 0; i < OperationsPerWorker; i++)
        {
            Interlocked.Increment(ref _floorIds);
            Interlocked.Increment(ref _floorActive);
            _ = Stopwatch.GetTimestamp();
            Interlocked.Decrement(ref _floorActive);
        }
    });

    [Benchmark(OperationsPerInvoke = OperationsPerWorker)]
    public void EnterDispose() => Run(() =>
    {
        for (int i = 0; i < OperationsPerWorker; i++)
        {
            _registry.Enter("job").Dispose();
        }
    });

    [Benchmark(OperationsPerInvoke = OperationsPerWorker)]
    public void EnterAsyncDispose() => Run(() =>
    {
        for (int i = 0; i < OperationsPerWorker; i++)
        {
            ValueTask<CriticalSession> entering = _registry.EnterAsync("job");
            entering.Result.Dispose();
        }
    });

    /// <summary>Per-worker time: every worker does <see cref="OperationsPerWorker"/> operations at once.</summary>
    private void Run(Action work)
    {
        if (Workers == 1)
        {
            work();
            return;
        }

        Parallel.For(0, Workers, new ParallelOptions { MaxDegreeOfParallelism = Workers }, _ => work());
    }
}
