using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using TaskProtection.Testing;

namespace TaskProtection.Tests.Integrations.Quartz;

/// <summary>
/// Quartz.NET's real scheduler (RAM job store, its own thread pool, hosted service) with <c>q.UseTaskProtection()</c>,
/// against a FakeEcsAgent over real HTTP. Jobs hold on a gate the test opens, so nothing waits on a timer.
/// </summary>
public sealed class QuartzIntegrationTests
{
    [Fact]
    public async Task Twenty_concurrent_jobs_run_protected_with_one_acquire_and_one_release_after_the_last()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        var registry = new CriticalSessionRegistry();
        var record = new JobRecord(registry);
        using IHost host = await StartAsync(agent, registry, record, q => q.UseTaskProtection());

        await JobAssertions.TwentyConcurrentJobsAsync(agent, record, registry, _ => ScheduleAsync<GatedJob>(host, 1), "quartz jobs.job-");
        await host.StopAsync();
    }

    [Fact]
    public async Task A_job_that_throws_ends_its_session_and_the_task_is_released()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        var registry = new CriticalSessionRegistry();
        var record = new JobRecord(registry);
        using IHost host = await StartAsync(agent, registry, record, q => q.UseTaskProtection());
        DateTimeOffset start = DateTimeOffset.UtcNow;

        await ScheduleAsync<FailingJob>(host, 3);
        await JobAssertions.WaitUntilAsync(() => record.Started == 3, "3 jobs started");
        Assert.Equal(3, registry.ActiveCount);
        record.Release.SetResult();
        await JobAssertions.WaitUntilAsync(() => !agent.Model.IsProtected && record.Runs.Count == 3, "3 jobs ran and the task was released");

        Assert.Equal(0, registry.ActiveCount);
        Assert.Single(JobAssertions.Puts(agent, enabled: false));
        JobAssertions.NoJobRanUnprotected(agent, record, start);
        await host.StopAsync();
    }

    [Fact]
    public async Task Jobs_opted_out_run_without_a_session_and_chosen_jobs_alone_are_protected_when_asked()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        var registry = new CriticalSessionRegistry();
        var record = new JobRecord(registry);
        using IHost host = await StartAsync(agent, registry, record, q => q.UseTaskProtection(o =>
        {
            o.OnlyChosenJobs = true;
            o.JobMatcher = GroupMatcher<JobKey>.GroupEquals("chosen");
        }));

        await ScheduleAsync<HousekeepingJob>(host, 1, "plain");
        await ScheduleAsync<GatedJob>(host, 1, "plain");
        await JobAssertions.WaitUntilAsync(() => record.Started == 2, "the 2 unprotected jobs started");
        Assert.Equal(0, registry.ActiveCount);
        Assert.Empty(agent.Model.Calls);

        await ScheduleAsync<MarkedJob>(host, 1, "plain");
        await ScheduleAsync<GatedJob>(host, 1, "chosen");
        await JobAssertions.WaitUntilAsync(() => record.Started == 4, "the 2 chosen jobs started");
        Assert.Equal(2, registry.ActiveCount);
        Assert.True(agent.Model.IsProtected);
        Assert.Contains(registry.GetActiveSessions(), s => s.Name == "quartz chosen.job-0");

        record.Release.SetResult();
        await JobAssertions.WaitUntilAsync(() => record.Runs.Count == 4 && !agent.Model.IsProtected, "4 jobs ran and the task was released");
        await host.StopAsync();
    }

    [Fact]
    public async Task A_run_that_cannot_be_protected_is_vetoed_not_run_unprotected()
    {
        // Access denied and AcquireTimeoutBehavior Throw: the session is refused, so Quartz must not run the job.
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        agent.Model.FaultPolicy = _ => new AgentFault(AgentFaultKind.AccessDenied);
        var registry = new CriticalSessionRegistry();
        var record = new JobRecord(registry);
        var vetoed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using IHost host = await StartAsync(
            agent,
            registry,
            record,
            q =>
            {
                q.UseTaskProtection();
                q.AddJobListener(new VetoWatcher(vetoed));
            },
            o =>
            {
                o.AcquireTimeout = TimeSpan.FromSeconds(1);
                o.AcquireTimeoutBehavior = AcquireTimeoutBehavior.Throw;
            });

        await ScheduleAsync<GatedJob>(host, 1);
        await vetoed.Task.WaitAsync(JobAssertions.Bound);

        Assert.Equal(0, record.Started);
        Assert.Equal(0, registry.ActiveCount);
        await host.StopAsync();
    }

    [Fact]
    public async Task Once_shutdown_begins_the_scheduler_stands_by_so_triggers_coming_due_stay_in_the_store()
    {
        // Without the standby a trigger coming due during the drain is fired here and vetoed; a one-shot one never
        // fires again. With it, the trigger stays as it was for another node (or this one after a restart).
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        var registry = new CriticalSessionRegistry();
        var record = new JobRecord(registry);
        var vetoed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using IHost host = await StartAsync(agent, registry, record, q =>
        {
            q.UseTaskProtection();
            q.AddJobListener(new VetoWatcher(vetoed));
        });
        IScheduler scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await ScheduleAsync<GatedJob>(host, 1);
        await JobAssertions.WaitUntilAsync(() => record.Started == 1, "the first job started");

        Task stopping = host.StopAsync();
        await JobAssertions.WaitUntilAsync(() => scheduler.GetStatus().AsTask().GetAwaiter().GetResult() == SchedulerStatus.Standby, "the scheduler stood by once the drain began");
        await scheduler.ScheduleJob(JobBuilder.Create<GatedJob>().WithIdentity("late").Build(), TriggerBuilder.Create().WithIdentity("late").StartNow().Build());
        record.Release.SetResult();
        await stopping.WaitAsync(JobAssertions.Bound);

        Assert.Equal(1, record.Started);
        Assert.False(vetoed.Task.IsCompleted, "A trigger that came due during the drain was fired and vetoed.");
        Assert.True(registry.ShutdownRequested.IsCancellationRequested);
    }

    private static Task<IHost> StartAsync(FakeEcsAgent agent, CriticalSessionRegistry registry, JobRecord record, Action<IQuartzBuilder> quartz, Action<TaskProtectionOptions>? options = null) =>
        QuartzTestHost.StartAsync(agent, registry, record, quartz, options);

    private static Task ScheduleAsync<TJob>(IHost host, int count, string group = "jobs")
        where TJob : IJob => QuartzTestHost.ScheduleAsync<TJob>(host, count, group);
}
