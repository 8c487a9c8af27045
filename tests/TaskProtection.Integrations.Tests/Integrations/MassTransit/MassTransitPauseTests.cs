using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaskProtection.Testing;

namespace TaskProtection.Tests.Integrations.MassTransit;

/// <summary>
/// While the task takes no new work (StopTakingWork here; the cap's drain and cool-down go through the same admission
/// signal) the bus's receive endpoints are paused, and resumed when it takes work again: no message is taken only to be
/// refused, and each is consumed once, protected.
/// </summary>
public sealed class MassTransitPauseTests
{
    private readonly CriticalSessionRegistry _registry = new();
    private readonly JobRecord _record;

    public MassTransitPauseTests() => _record = new JobRecord(_registry);

    [Fact]
    public async Task While_the_task_takes_no_work_the_endpoints_are_paused_and_after_it_takes_work_again_each_message_is_consumed_once()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        var consumed = new ConsumeCounter();
        using IHost host = await MassTransitTestHost.StartAsync(agent, _registry, _record, observer: consumed);
        var bus = host.Services.GetRequiredService<IBus>();
        var manager = host.Services.GetRequiredService<TaskProtectionManager>();
        var endpoints = new EndpointWatcher();
        bus.ConnectReceiveEndpointObserver(endpoints);
        DateTimeOffset start = DateTimeOffset.UtcNow;
        await bus.Publish(new TranscodeVideo(1));
        await JobAssertions.WaitUntilAsync(() => _record.Started == 1, "the first message is being consumed");

        // The one in flight finishes under protection; the endpoints stop once it has.
        manager.StopTakingWork("a deployment replaces this task");
        await JobAssertions.WaitUntilAsync(() => !manager.Admission.IsAccepting, "the task refuses new work");
        Assert.Equal(1, _registry.ActiveCount);
        Assert.True(agent.Model.IsProtected);
        _record.Release.SetResult();
        await JobAssertions.WaitUntilAsync(
            () => endpoints.Stopped == MassTransitTestHost.ConsumerEndpoints && !agent.Model.IsProtected,
            "every consumer endpoint paused, and the task released once the message in flight ended");

        for (int i = 2; i <= 4; i++)
        {
            await bus.Publish(new TranscodeVideo(i));
        }

        await JobAssertions.StaysAsync(() => consumed.Attempts == 1 && _record.Started == 1, "no message taken while paused");
        DateTimeOffset resumed = DateTimeOffset.UtcNow;
        manager.ResumeTakingWork();
        await JobAssertions.WaitUntilAsync(() => _record.Runs.Count == 4 && !agent.Model.IsProtected, "the three waiting messages consumed after resuming");

        Assert.Equal(4, consumed.Attempts);
        Assert.Empty(consumed.Exceptions);
        Assert.True(endpoints.Started >= MassTransitTestHost.ConsumerEndpoints, "The endpoints were not started again.");
        Assert.All(consumed.AttemptTimes.Skip(1), t => Assert.True(t >= resumed, "A message was handed to the consumer pipe while paused."));
        Assert.All(_record.Runs, r => Assert.True(r.ActiveSessions >= 1, $"{r.Job} ran outside a session."));
        JobAssertions.NoJobRanUnprotected(agent, _record, start);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_message_taken_before_the_pause_waits_unconsumed_and_is_consumed_protected_when_the_task_takes_work_again()
    {
        // One message at a time: the second is taken by the in-memory transport behind the first (it takes them as they
        // come), so it reaches the consumer pipe after the pause began. It waits there rather than being refused.
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        var consumed = new ConsumeCounter();
        using IHost host = await MassTransitTestHost.StartAsync(agent, _registry, _record, concurrency: 1, observer: consumed);
        var bus = host.Services.GetRequiredService<IBus>();
        var manager = host.Services.GetRequiredService<TaskProtectionManager>();
        DateTimeOffset start = DateTimeOffset.UtcNow;
        await bus.Publish(new TranscodeVideo(1));
        await bus.Publish(new TranscodeVideo(2));
        await JobAssertions.WaitUntilAsync(() => _record.Started == 1, "the first message is being consumed");

        manager.StopTakingWork("a deployment replaces this task");
        await JobAssertions.WaitUntilAsync(() => !manager.Admission.IsAccepting, "the task refuses new work");
        _record.Release.SetResult();
        await JobAssertions.WaitUntilAsync(
            () => consumed.Attempts == 2 && _record.Runs.Count == 1 && !agent.Model.IsProtected,
            "the first message consumed, the task released, and the second handed to the consumer pipe");

        await JobAssertions.StaysAsync(() => _record.Started == 1 && consumed.Faults == 0, "the second message waits, neither consumed nor refused");
        DateTimeOffset resumed = DateTimeOffset.UtcNow;
        manager.ResumeTakingWork();
        await JobAssertions.WaitUntilAsync(() => _record.Runs.Count == 2 && !agent.Model.IsProtected, "the second message consumed after resuming");

        Assert.Equal(2, consumed.Attempts);
        Assert.Empty(consumed.Exceptions);
        Assert.True(_record.Runs[1].From >= resumed, "The second message was consumed while the task took no work.");
        Assert.All(_record.Runs, r => Assert.True(r.ActiveSessions >= 1, $"{r.Job} ran outside a session."));
        JobAssertions.NoJobRanUnprotected(agent, _record, start);
        await host.StopAsync();
    }

    [Fact]
    public async Task On_a_receive_endpoint_only_that_endpoint_pauses()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        HostApplicationBuilder builder = IntegrationHost.CreateBuilder(agent, _registry, _record);
        builder.Services.AddMassTransit(x =>
        {
            x.AddConsumer<TranscodeConsumer>();
            x.AddConsumer<CacheConsumer>();
            x.UsingInMemory((context, cfg) =>
            {
                cfg.ReceiveEndpoint("protected", e =>
                {
                    e.UseTaskProtection(context);
                    e.ConfigureConsumer<TranscodeConsumer>(context);
                });
                cfg.ReceiveEndpoint("plain", e => e.ConfigureConsumer<CacheConsumer>(context));
            });
        });
        using IHost host = await IntegrationHost.StartAsync(builder);
        var bus = host.Services.GetRequiredService<IBus>();
        var manager = host.Services.GetRequiredService<TaskProtectionManager>();
        var endpoints = new EndpointWatcher();
        bus.ConnectReceiveEndpointObserver(endpoints);
        _record.Release.SetResult();

        manager.StopTakingWork("a deployment replaces this task");
        await JobAssertions.WaitUntilAsync(() => endpoints.Stopped == 1, "the protected endpoint paused");
        await bus.Publish(new TranscodeVideo(1));
        await bus.Publish(new RefreshCache(1));
        await JobAssertions.WaitUntilAsync(() => _record.Runs.Count == 1, "the plain endpoint's consumer ran");
        await JobAssertions.StaysAsync(() => _record.Runs.Count == 1, "the protected endpoint took nothing");

        manager.ResumeTakingWork();
        await JobAssertions.WaitUntilAsync(() => _record.Runs.Count == 2 && !agent.Model.IsProtected, "the protected message consumed after resuming");
        Assert.Equal(["cache 1", "transcode 1"], _record.Runs.Select(static r => r.Job));
        await host.StopAsync();
    }
}
