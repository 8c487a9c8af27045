using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using TaskProtection.Testing;

namespace TaskProtection.Tests.Integrations.Quartz;

/// <summary>The host the Quartz tests run (RAM job store, 25 threads, the hosted service waiting for jobs), and how they schedule jobs.</summary>
internal static class QuartzTestHost
{
    public static async Task<IHost> StartAsync(FakeEcsAgent agent, CriticalSessionRegistry registry, JobRecord record, Action<IQuartzBuilder> quartz, Action<TaskProtectionOptions>? options = null)
    {
        HostApplicationBuilder builder = IntegrationHost.CreateBuilder(agent, registry, record, options);
        builder.Services.AddQuartz(q =>
        {
            q.UseDefaultThreadPool(pool => pool.MaxConcurrency = 25);
            quartz(q);
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return await IntegrationHost.StartAsync(builder);
    }

    /// <summary>Schedules <paramref name="count"/> jobs to fire now, named <c>{group}.job-{n}</c> after those already there.</summary>
    public static async Task ScheduleAsync<TJob>(IHost host, int count, string group = "jobs")
        where TJob : IJob
    {
        IScheduler scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        int existing = (await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(group))).Count;
        for (int i = existing; i < existing + count; i++)
        {
            IJobDetail job = JobBuilder.Create<TJob>().WithIdentity($"job-{i}", group).Build();
            await scheduler.ScheduleJob(job, TriggerBuilder.Create().StartNow().Build());
        }
    }

    public static async Task<SchedulerStatus> StatusAsync(IHost host)
    {
        IScheduler scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        return await scheduler.GetStatus();
    }
}

/// <summary>Hears every vetoed run.</summary>
internal sealed class VetoWatcher(TaskCompletionSource vetoed) : IJobListener
{
    public string Name => "veto watcher";

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        vetoed.TrySetResult();
        return default;
    }
}
