using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaskProtection.Testing;

namespace TaskProtection.Tests.Integrations.MassTransit;

/// <summary>
/// MassTransit's real bus on its in-memory transport with <c>cfg.UseTaskProtection(context)</c>, against a
/// FakeEcsAgent over real HTTP. Consumers hold on a gate the test opens.
/// </summary>
public sealed class MassTransitIntegrationTests
{
    private readonly CriticalSessionRegistry _registry = new();
    private readonly JobRecord _record;

    public MassTransitIntegrationTests() => _record = new JobRecord(_registry);

    [Fact]
    public async Task Twenty_concurrent_messages_are_consumed_protected_with_one_acquire_and_one_release_after_the_last()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using IHost host = await StartAsync(agent);
        var bus = host.Services.GetRequiredService<IBus>();

        await JobAssertions.TwentyConcurrentJobsAsync(agent, _record, _registry, i => bus.Publish(new TranscodeVideo(i)), "masstransit TranscodeConsumer/TranscodeVideo");
        await host.StopAsync();
    }

    [Fact]
    public async Task A_consumer_that_throws_ends_its_session_and_an_opted_out_consumer_runs_without_one()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using IHost host = await StartAsync(agent);
        var bus = host.Services.GetRequiredService<IBus>();

        await bus.Publish(new RefreshCache(1));
        await JobAssertions.WaitUntilAsync(() => _record.Started == 1, "the opted-out consumer started");
        Assert.Equal(0, _registry.ActiveCount);
        Assert.Empty(agent.Model.Calls);

        await bus.Publish(new BrokenVideo(1));
        await JobAssertions.WaitUntilAsync(() => _record.Started == 2, "the failing consumer started");
        Assert.Equal(1, _registry.ActiveCount);
        _record.Release.SetResult();
        await JobAssertions.WaitUntilAsync(() => !agent.Model.IsProtected && _record.Runs.Count == 2, "both ran and the task was released");

        Assert.Equal(0, _registry.ActiveCount);
        Assert.Single(JobAssertions.Puts(agent, enabled: false));
        await host.StopAsync();
    }

    [Fact]
    public async Task On_shutdown_the_one_in_flight_finishes_protected_and_no_other_message_runs()
    {
        // One message at a time: the first is in flight when the host stops, the second is behind it. The drain keeps
        // protection for the first; the bus stops taking messages. The second never runs: either it stays queued, or,
        // when the transport had already taken it (MassTransit's in-memory transport does, even with PrefetchCount equal
        // to ConcurrentMessageLimit), it is refused with CriticalSessionRefusedException, a consume fault that the
        // redelivery policy sends back to the queue; the README says so.
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        var faults = new ConsumeCounter();
        using IHost host = await StartAsync(agent, concurrency: 1, faults);
        var bus = host.Services.GetRequiredService<IBus>();
        await bus.Publish(new TranscodeVideo(1));
        await bus.Publish(new TranscodeVideo(2));
        await JobAssertions.WaitUntilAsync(() => _record.Started == 1, "the first consumer started");
        DateTimeOffset start = DateTimeOffset.UtcNow;

        Task stopping = host.StopAsync();
        await JobAssertions.WaitUntilAsync(() => _registry.ShutdownRequested.IsCancellationRequested, "the drain began");
        Assert.True(agent.Model.IsProtected);
        _record.Release.SetResult();
        await stopping.WaitAsync(JobAssertions.Bound);

        Assert.Equal(1, _record.Started);
        Assert.All(faults.Exceptions, static e => Assert.IsType<CriticalSessionRefusedException>(e));
        Assert.InRange(faults.Exceptions.Length, 0, 1);
        JobAssertions.NoJobRanUnprotected(agent, _record, start);
        Assert.True(Assert.Single(JobAssertions.Puts(agent, enabled: false)).ReceivedAt >= _record.Runs[0].To);
    }

    [Fact]
    public async Task On_a_receive_endpoint_it_protects_that_endpoints_consumers_only()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        HostApplicationBuilder builder = IntegrationHost.CreateBuilder(agent, _registry, _record);
        builder.Services.AddMassTransit(x =>
        {
            x.AddConsumer<TranscodeConsumer>();
            x.AddConsumer<BrokenConsumer>();
            x.UsingInMemory((context, cfg) =>
            {
                cfg.ReceiveEndpoint("protected", e =>
                {
                    e.UseTaskProtection(context);
                    e.ConfigureConsumer<TranscodeConsumer>(context);
                });
                cfg.ReceiveEndpoint("plain", e => e.ConfigureConsumer<BrokenConsumer>(context));
            });
        });
        using IHost host = await IntegrationHost.StartAsync(builder);
        var bus = host.Services.GetRequiredService<IBus>();

        await bus.Publish(new BrokenVideo(1));
        await bus.Publish(new TranscodeVideo(1));
        await JobAssertions.WaitUntilAsync(() => _record.Started == 2, "both consumers started");

        Assert.Equal(["masstransit TranscodeConsumer/TranscodeVideo"], _registry.GetActiveSessions().Select(static s => s.Name));
        _record.Release.SetResult();
        await JobAssertions.WaitUntilAsync(() => !agent.Model.IsProtected && _record.Runs.Count == 2, "both ran and the task was released");
        await host.StopAsync();
    }

    private Task<IHost> StartAsync(FakeEcsAgent agent, int concurrency = 25, IConsumeObserver? observer = null) =>
        MassTransitTestHost.StartAsync(agent, _registry, _record, concurrency, observer);
}
