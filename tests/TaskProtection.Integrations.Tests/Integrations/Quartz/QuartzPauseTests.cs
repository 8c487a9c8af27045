using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;
using TaskProtection.Testing;

namespace TaskProtection.Tests.Integrations.Quartz;

/// <summary>
/// While the task takes no new work (StopTakingWork here; the cap's drain and cool-down go through the same admission
/// signal) the scheduler stands by, and starts again when it takes work again: no trigger is fired only to be vetoed.
/// </summary>
public sealed class QuartzPauseTests
{
    private readonly CriticalSessionRegistry _registry = new();
    private readonly JobRecord _record;

    public QuartzPauseTests() => _record = new JobRecord(_registry);

    [Fact]
    public async Task While_the_task_takes_no_work_the_scheduler_stands_by_and_a_trigger_come_due_fires_once_it_takes_work_again()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        var vetoed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using IHost host = await QuartzTestHost.StartAsync(agent, _registry, _record, q =>
        {
            q.UseTaskProtection();
            q.AddJobListener(new VetoWatcher(vetoed));
        });
        IScheduler scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var manager = host.Services.GetRequiredService<TaskProtectionManager>();
        DateTimeOffset start = DateTimeOffset.UtcNow;
        await QuartzTestHost.ScheduleAsync<GatedJob>(host, 1);
        await JobAssertions.WaitUntilAsync(() => _record.Started == 1, "the first job started");

        manager.StopTakingWork("a deployment replaces this task");
        await JobAssertions.WaitUntilAsync(() => scheduler.Status == SchedulerStatus.Standby, "the scheduler stood by");
        Assert.Equal(1, _registry.ActiveCount);
        Assert.True(agent.Model.IsProtected);
        await QuartzTestHost.ScheduleAsync<GatedJob>(host, 1);
        _record.Release.SetResult();
        await JobAssertions.WaitUntilAsync(() => _record.Runs.Count == 1 && !agent.Model.IsProtected, "the running job finished protected, then the task was released");
        await JobAssertions.StaysAsync(() => _record.Started == 1 && !vetoed.Task.IsCompleted, "the trigger come due is not fired");

        DateTimeOffset resumed = DateTimeOffset.UtcNow;
        manager.ResumeTakingWork();
        await JobAssertions.WaitUntilAsync(() => _record.Runs.Count == 2 && !agent.Model.IsProtected, "the second job ran after the task took work again");

        Assert.Equal(SchedulerStatus.Running, scheduler.Status);
        Assert.False(vetoed.Task.IsCompleted, "A run was vetoed.");
        Assert.True(_record.Runs[1].From >= resumed, "The second job ran while the task took no work.");
        Assert.All(_record.Runs, r => Assert.True(r.ActiveSessions >= 1, $"{r.Job} ran outside a session."));
        JobAssertions.NoJobRanUnprotected(agent, _record, start);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_run_fired_as_the_task_stops_taking_work_waits_unstarted_rather_than_being_vetoed()
    {
        // The watcher, a trigger listener asked before TaskProtection's, stops taking work as the first run fires: the run
        // was fired before the scheduler could stand by. Vetoing it would lose this one-shot trigger.
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        var vetoed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using IHost host = await QuartzTestHost.StartAsync(agent, _registry, _record, q =>
        {
            q.AddTriggerListener(services => new StopTakingWorkOnFirstFire(services.GetRequiredService<TaskProtectionManager>()));
            q.UseTaskProtection();
            q.AddJobListener(new VetoWatcher(vetoed));
        });
        IScheduler scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var manager = host.Services.GetRequiredService<TaskProtectionManager>();
        DateTimeOffset start = DateTimeOffset.UtcNow;
        _record.Release.SetResult();

        await QuartzTestHost.ScheduleAsync<GatedJob>(host, 1);
        await JobAssertions.WaitUntilAsync(() => scheduler.Status == SchedulerStatus.Standby, "the scheduler stood by");
        await JobAssertions.StaysAsync(() => _record.Started == 0 && !vetoed.Task.IsCompleted && _registry.ActiveCount == 0, "the fired run waits, neither started nor vetoed");

        DateTimeOffset resumed = DateTimeOffset.UtcNow;
        manager.ResumeTakingWork();
        await JobAssertions.WaitUntilAsync(() => _record.Runs.Count == 1 && !agent.Model.IsProtected, "the run went ahead once the task took work again");

        Assert.False(vetoed.Task.IsCompleted, "The run was vetoed.");
        Assert.True(_record.Runs[0].From >= resumed, "The run started while the task took no work.");
        Assert.True(_record.Runs[0].ActiveSessions >= 1, "The run went ahead outside a session.");
        JobAssertions.NoJobRanUnprotected(agent, _record, start);
        await host.StopAsync();
    }

    private sealed class StopTakingWorkOnFirstFire(TaskProtectionManager manager) : ITriggerListener
    {
        private int _fired;

        public string Name => "stops taking work";

        public ValueTask<bool> VetoJobExecution(ITrigger trigger, IJobExecutionContext context, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _fired, 1) == 0)
            {
                manager.StopTakingWork("a deployment replaces this task");
            }

            return ValueTask.FromResult(false);
        }
    }
}
