using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaskProtection.Testing;

namespace TaskProtection.Tests.Integrations.Hangfire;

/// <summary>Hangfire's configuration and filters are global: its tests run one at a time, and remove their filter.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HangfireGroup
{
    public const string Name = "Hangfire (global configuration)";
}

/// <summary>
/// Hangfire's real server (Hangfire.InMemory storage, 25 workers) with <c>UseTaskProtection()</c>, against a
/// FakeEcsAgent over real HTTP. Jobs hold on a gate the test opens.
/// </summary>
[Collection(HangfireGroup.Name)]
public sealed class HangfireIntegrationTests : IDisposable
{
    private readonly CriticalSessionRegistry _registry = new();
    private readonly JobRecord _record;

    public HangfireIntegrationTests() => _record = new JobRecord(_registry);

    [Fact]
    public async Task Twenty_concurrent_jobs_run_protected_with_one_acquire_and_one_release_after_the_last()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using IHost host = await StartAsync(agent);
        var client = host.Services.GetRequiredService<IBackgroundJobClient>();

        await JobAssertions.TwentyConcurrentJobsAsync(agent, _record, _registry, _ => Task.FromResult(client.Enqueue<GatedHangfireJob>(j => j.RunAsync(CancellationToken.None))), "hangfire GatedHangfireJob.RunAsync");
        await host.StopAsync();
    }

    [Fact]
    public async Task A_job_that_throws_ends_its_session_and_an_opted_out_job_runs_without_one()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using IHost host = await StartAsync(agent);
        var client = host.Services.GetRequiredService<IBackgroundJobClient>();

        client.Enqueue<GatedHangfireJob>(j => j.HousekeepAsync(CancellationToken.None));
        await JobAssertions.WaitUntilAsync(() => _record.Started == 1, "the opted-out job started");
        Assert.Equal(0, _registry.ActiveCount);
        Assert.Empty(agent.Model.Calls);

        client.Enqueue<GatedHangfireJob>(j => j.FailAsync(CancellationToken.None));
        await JobAssertions.WaitUntilAsync(() => _record.Started == 2, "the failing job started");
        Assert.Equal(1, _registry.ActiveCount);
        _record.Release.SetResult();
        await JobAssertions.WaitUntilAsync(() => !agent.Model.IsProtected && _record.Runs.Count == 2, "both ran and the task was released");

        Assert.Equal(0, _registry.ActiveCount);
        Assert.Single(JobAssertions.Puts(agent, enabled: false));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_job_that_cannot_be_protected_is_not_run_and_is_left_for_a_retry()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        agent.Model.FaultPolicy = _ => new AgentFault(AgentFaultKind.AccessDenied);
        using IHost host = await StartAsync(agent, o =>
        {
            o.AcquireTimeout = TimeSpan.FromSeconds(1);
            o.AcquireTimeoutBehavior = AcquireTimeoutBehavior.Throw;
        });

        string id = host.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<GatedHangfireJob>(j => j.RunAsync(CancellationToken.None));
        using IStorageConnection connection = host.Services.GetRequiredService<JobStorage>().GetConnection();
        await JobAssertions.WaitUntilAsync(() => connection.GetStateData(id)?.Name == "Scheduled", "the job was scheduled for a retry");

        Assert.Equal(0, _record.Started);
        Assert.Equal(0, _registry.ActiveCount);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_filter_inside_this_one_that_cancels_the_job_still_ends_its_session()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        var cancelling = new CancellingFilter(_registry);
        using IHost host = await StartAsync(agent, configure: c => c.UseFilter(cancelling));

        host.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<GatedHangfireJob>(j => j.RunAsync(CancellationToken.None));
        await JobAssertions.WaitUntilAsync(() => cancelling.SawSessions > 0 && !agent.Model.IsProtected, "the job was cancelled and the task released");

        Assert.Equal(0, _record.Started);
        Assert.Equal(0, _registry.ActiveCount);
        Assert.Single(JobAssertions.Puts(agent, enabled: true));
        Assert.Single(JobAssertions.Puts(agent, enabled: false));
        await host.StopAsync();
    }

    /// <summary>Runs inside the protection filter (added after it, same order) and cancels every job.</summary>
    private sealed class CancellingFilter(CriticalSessionRegistry registry) : global::Hangfire.Server.IServerFilter
    {
        private int _sawSessions;

        public int SawSessions => Volatile.Read(ref _sawSessions);

        public void OnPerforming(global::Hangfire.Server.PerformingContext context)
        {
            Volatile.Write(ref _sawSessions, registry.ActiveCount);
            context.Canceled = true;
        }

        public void OnPerformed(global::Hangfire.Server.PerformedContext context)
        {
        }
    }

    public void Dispose() => HangfireTestHost.RemoveFilters();

    private Task<IHost> StartAsync(FakeEcsAgent agent, Action<TaskProtectionOptions>? options = null, Action<IGlobalConfiguration>? configure = null) =>
        HangfireTestHost.StartAsync(agent, _registry, _record, workers: 25, options, configure);
}
