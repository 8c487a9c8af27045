using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging.Testing;
using TaskProtection.Testing;
using Xunit.Abstractions;

namespace TaskProtection.Tests.Concurrency;

/// <summary>
/// Real threads, real HTTP: workers enter and leave sessions as fast as they can while the manager releases and
/// re-acquires between them. Every session body must run while the agent's own record says the task is protected, or
/// after the application was told.
/// </summary>
public sealed class ReleaseRaceStressTests(ITestOutputHelper output)
{
    private const int Workers = 3;

    /// <summary>Seconds per release delay: 2 in CI; TASKPROTECTION_STRESS_SECONDS raises it for a soak.</summary>
    private static readonly TimeSpan RunFor = TimeSpan.FromSeconds(
        double.TryParse(Environment.GetEnvironmentVariable("TASKPROTECTION_STRESS_SECONDS"), System.Globalization.CultureInfo.InvariantCulture, out double s) && s > 0 ? s : 2);

    [Fact]
    public async Task Sessions_racing_releases_never_run_unprotected()
    {
        // How often a release is decided depends on how late real timers fire on this machine: count them all together.
        int decided = 0;
        foreach (int releaseDelayMs in (int[])[0, 1, 10, 50])
        {
            decided += await RaceAsync(releaseDelayMs);
        }

        Assert.True(decided >= 50, $"Only {decided} releases decided in all: the workers did not race the release path.");
    }

    /// <summary>One run with the given release delay; returns how many releases were decided.</summary>
    private async Task<int> RaceAsync(int releaseDelayMs)
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        var registry = new CriticalSessionRegistry();
        var logger = new FakeLogger<TaskProtectionManager>();
        using var http = new HttpClient();
        var options = new TaskProtectionOptions { ReleaseDelay = TimeSpan.FromMilliseconds(releaseDelayMs) };
        await using var manager = new TaskProtectionManager(new EcsAgentClient(http, agent.AgentUri, options.RequestTimeout), options, registry, logger: logger);
        int lostEvents = 0;
        manager.ProtectionLost += (_, _) => Interlocked.Increment(ref lostEvents);
        await manager.StartAsync();
        DateTimeOffset start = DateTimeOffset.UtcNow;

        var bodies = new ConcurrentBag<(DateTimeOffset From, DateTimeOffset To, bool Told)>();
        // Dedicated threads: the workers must not take the thread pool away from the manager and the HTTP stack. Whether
        // to go on is decided once per round, for all of them, when the last one arrives.
        TimeSpan runFor = RunFor + (options.ReleaseDelay * 40);
        var elapsed = Stopwatch.StartNew();
        bool stop = false;
        using var rounds = new Barrier(Workers, _ => stop = elapsed.Elapsed >= runFor);
        Task[] workers = Enumerable.Range(0, Workers)
            .Select(seed => Task.Factory.StartNew(
                () => Work(registry, manager, seed, options.ReleaseDelay, rounds, () => stop, bodies),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default))
            .ToArray();
        await Task.WhenAll(workers).WaitAsync(RunFor + TimeSpan.FromSeconds(60));
        int releases = agent.Model.Calls.Count(c => c.Body.Contains("false", StringComparison.Ordinal));
        await manager.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));

        IReadOnlyList<UnprotectedInterval> gaps = agent.Model.UnprotectedIntervals(start);
        var untold = bodies.Where(b => !b.Told && gaps.Any(g => g.From < b.To && b.From < g.To)).ToList();
        IReadOnlyList<AgentCall> calls = agent.Model.Calls;
        int decided = logger.Collector.GetSnapshot().Count(r => r.Id.Id == 1013);
        output.WriteLine(
            $"ReleaseDelay {releaseDelayMs} ms: {bodies.Count} sessions on {Workers} threads; {decided} releases decided, {decided - releases} of them " +
            $"abandoned because a session came; {calls.Count} agent calls; {gaps.Count - 1} unprotected stretches, none under a session body.");
        Assert.Empty(untold);
        Assert.Equal(0, lostEvents);
        Assert.Equal(0, manager.GetStatus().Lapses);
        return decided;
    }

    /// <summary>
    /// Rounds: all workers idle together for the same random time (up to twice the release delay plus the ten or so
    /// milliseconds a real timer may fire late on a busy machine, so that a release is often decided and often just
    /// about to be), then
    /// each runs a few sessions starting at slightly different moments.
    /// </summary>
    private static void Work(
        CriticalSessionRegistry registry,
        TaskProtectionManager manager,
        int seed,
        TimeSpan releaseDelay,
        Barrier rounds,
        Func<bool> stop,
        ConcurrentBag<(DateTimeOffset, DateTimeOffset, bool)> bodies)
    {
        var random = new Random(seed);
        for (int round = 0; ; round++)
        {
            rounds.SignalAndWait();
            if (stop())
            {
                return;
            }

            // The same pause on every worker: a hash of the round, not of the worker.
            double fraction = (uint)HashCode.Combine(round, 17) / (double)uint.MaxValue;
            Spin(((releaseDelay * 2) + TimeSpan.FromMilliseconds(10)) * fraction);
            for (int session = random.Next(1, 4); session > 0; session--)
            {
                Spin(TimeSpan.FromMilliseconds(random.NextDouble() * 0.3));
                CancellationToken lost = manager.ProtectionLostToken;
                CriticalSession entered = registry.EnterAsync("stress").AsTask().GetAwaiter().GetResult();
                DateTimeOffset from = DateTimeOffset.UtcNow;
                Spin(TimeSpan.FromMilliseconds(random.NextDouble() * 0.2));
                DateTimeOffset to = DateTimeOffset.UtcNow;
                entered.Dispose();
                bodies.Add((from, to, lost.IsCancellationRequested || manager.ProtectionLostToken.IsCancellationRequested));
            }
        }
    }

    /// <summary>Real time passing on this thread (not a timer): a body, or the pause between two. It yields the CPU as it spins.</summary>
    private static void Spin(TimeSpan length)
    {
        long until = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
        var spinner = default(SpinWait);
        while (Stopwatch.GetTimestamp() < until)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }
}
