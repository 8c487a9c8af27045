using TaskProtection.Testing;

namespace TaskProtection.Tests.Integrations;

/// <summary>What every framework's tests check, from the agent's record; and the bounded real-time wait they need.</summary>
internal static class JobAssertions
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    // The frameworks run jobs on their own threads (real time): conditions about them are polled this often, within Bound.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public static IReadOnlyList<AgentCall> Puts(FakeEcsAgent agent, bool enabled) =>
        [.. agent.Model.Calls.Where(c => c.Method == "PUT" && c.Body.Contains($"\"ProtectionEnabled\":{(enabled ? "true" : "false")}", StringComparison.Ordinal))];

    /// <summary>No job body ran while the agent held no protection for the task.</summary>
    public static void NoJobRanUnprotected(FakeEcsAgent agent, JobRecord record, DateTimeOffset since)
    {
        IReadOnlyList<UnprotectedInterval> gaps = agent.Model.UnprotectedIntervals(since);
        foreach ((string job, DateTimeOffset from, DateTimeOffset to, _) in record.Runs)
        {
            Assert.False(gaps.Any(g => g.From < to && g.To > from), $"{job} ran [{from:O}, {to:O}) while the task was unprotected.");
        }
    }

    /// <summary>One acquire before the first body, one release after the last, no body unprotected, no session left.</summary>
    public static void ProtectedWithOneAcquireAndOneRelease(FakeEcsAgent agent, JobRecord record, CriticalSessionRegistry registry, DateTimeOffset since)
    {
        AgentCall enable = Assert.Single(Puts(agent, enabled: true));
        AgentCall release = Assert.Single(Puts(agent, enabled: false));
        Assert.True(release.ReceivedAt >= record.Runs.Max(r => r.To), "Released before the last job ended.");
        Assert.True(enable.ReceivedAt <= record.Runs.Min(r => r.From), "A job started before protection was asked for.");
        NoJobRanUnprotected(agent, record, since);
        Assert.All(record.Runs, r => Assert.True(r.ActiveSessions >= 1, $"{r.Job} ran outside a session."));
        Assert.Equal(0, registry.ActiveCount);
    }

    /// <summary>
    /// The acceptance test every framework shares: 20 jobs started by <paramref name="startJob"/> all run at once in
    /// sessions named <paramref name="sessionNamePrefix"/>…, are let go together, and cost one acquire and one release.
    /// </summary>
    public static async Task TwentyConcurrentJobsAsync(FakeEcsAgent agent, JobRecord record, CriticalSessionRegistry registry, Func<int, Task> startJob, string sessionNamePrefix)
    {
        DateTimeOffset start = DateTimeOffset.UtcNow;
        for (int i = 0; i < 20; i++)
        {
            await startJob(i);
        }

        await WaitUntilAsync(() => record.Started == 20, "20 jobs started");
        Assert.Contains(registry.GetActiveSessions(), s => s.Name.StartsWith(sessionNamePrefix, StringComparison.Ordinal));
        record.Release.SetResult();
        await WaitUntilAsync(() => !agent.Model.IsProtected && record.Runs.Count == 20, "20 jobs ran and the task was released");

        ProtectedWithOneAcquireAndOneRelease(agent, record, registry, start);
    }

    /// <summary>
    /// Real time, for what must not happen: <paramref name="condition"/> holds throughout a quarter of a second, polled
    /// every 20 ms. A check after a positive wait, not instead of one.
    /// </summary>
    public static async Task StaysAsync(Func<bool> condition, string what)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            Assert.True(condition(), $"No longer so: {what}.");
            await Task.Delay(PollInterval);
        }
        while (watch.Elapsed < TimeSpan.FromMilliseconds(250));

        Assert.True(condition(), $"No longer so: {what}.");
    }

    /// <summary>Real time: the frameworks run jobs on their own threads. Bounded, polled every 20 ms.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < Bound, $"Not within {Bound}: {what}.");
            await Task.Delay(PollInterval);
        }
    }
}
