using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaskProtection.Testing;

namespace TaskProtection.Tests.Integrations.Hangfire;

/// <summary>
/// While the task takes no new work (StopTakingWork here; the cap's drain and cool-down go through the same admission
/// signal) Hangfire's workers cannot be paused, but each hands back at most the one job it fetched (Enqueued again, no
/// retry attempt) and then takes none until the task takes work again.
/// </summary>
[Collection(HangfireGroup.Name)]
public sealed class HangfirePauseTests : IDisposable
{
    private readonly CriticalSessionRegistry _registry = new();
    private readonly JobRecord _record;

    public HangfirePauseTests() => _record = new JobRecord(_registry);

    [Fact]
    public async Task While_the_task_takes_no_work_each_worker_hands_back_at_most_one_job_and_takes_none_until_it_takes_work_again()
    {
        // Two workers: the first runs a job when the task stops taking work, the second is idle; three jobs come after.
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using IHost host = await HangfireTestHost.StartAsync(agent, _registry, _record, workers: 2);
        var client = host.Services.GetRequiredService<IBackgroundJobClient>();
        var manager = host.Services.GetRequiredService<TaskProtectionManager>();
        JobStorage storage = host.Services.GetRequiredService<JobStorage>();
        using IStorageConnection connection = storage.GetConnection();
        DateTimeOffset start = DateTimeOffset.UtcNow;
        string running = client.Enqueue<GatedHangfireJob>(j => j.RunAsync(CancellationToken.None));
        await JobAssertions.WaitUntilAsync(() => _record.Started == 1, "the first job started");

        manager.StopTakingWork("a deployment replaces this task");
        await JobAssertions.WaitUntilAsync(() => !manager.Admission.IsAccepting, "the task refuses new work");
        string[] waiting = [.. Enumerable.Range(0, 3).Select(_ => client.Enqueue<GatedHangfireJob>(j => j.RunAsync(CancellationToken.None)))];
        await JobAssertions.WaitUntilAsync(() => HandedBack(storage, waiting) == 1, "the idle worker handed a job back");
        Assert.Equal(1, _registry.ActiveCount);
        Assert.True(agent.Model.IsProtected);
        _record.Release.SetResult();
        await JobAssertions.WaitUntilAsync(
            () => connection.GetStateData(running)?.Name == "Succeeded" && HandedBack(storage, waiting) == 2 && !agent.Model.IsProtected,
            "the first job finished protected, the task was released, and its worker handed a job back too");
        await JobAssertions.StaysAsync(
            () => HandedBack(storage, waiting) == 2 && _record.Started == 1 && waiting.All(id => connection.GetStateData(id)?.Name == "Enqueued"),
            "both workers take no job, and the three stay queued");

        DateTimeOffset resumed = DateTimeOffset.UtcNow;
        manager.ResumeTakingWork();
        await JobAssertions.WaitUntilAsync(
            () => waiting.All(id => connection.GetStateData(id)?.Name == "Succeeded") && !agent.Model.IsProtected,
            "the three jobs ran after the task took work again");

        Assert.Equal(4, _record.Runs.Count);
        Assert.All(_record.Runs.Skip(1), r => Assert.True(r.From >= resumed, "A job ran while the task took no work."));
        Assert.All(_record.Runs, r => Assert.True(r.ActiveSessions >= 1, $"{r.Job} ran outside a session."));
        Assert.All(waiting, id => Assert.Null(connection.GetJobParameter(id, "RetryCount")));
        Assert.All(waiting, id => Assert.DoesNotContain(States(storage, id), s => s is "Failed" or "Scheduled"));
        JobAssertions.NoJobRanUnprotected(agent, _record, start);
        await host.StopAsync();
    }

    public void Dispose() => HangfireTestHost.RemoveFilters();

    private static IEnumerable<string> States(JobStorage storage, string id) =>
        storage.GetMonitoringApi().JobDetails(id).History.Select(static h => h.StateName);

    /// <summary>How many times these jobs were handed back to their queue by TaskProtection.</summary>
    private static int HandedBack(JobStorage storage, IEnumerable<string> ids) =>
        ids.Sum(id => storage.GetMonitoringApi().JobDetails(id).History.Count(
            static h => h.StateName == "Enqueued" && (h.Reason?.StartsWith("Handed back by TaskProtection", StringComparison.Ordinal) ?? false)));
}
