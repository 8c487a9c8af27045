using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaskProtection.Testing;

namespace TaskProtection.Tests.Hosting;

/// <summary>
/// A hosted service registered before AddTaskProtection that enters a session as soon as it starts is protected
/// before its body runs: registration order does not matter. Real host, real HTTP.
/// </summary>
public sealed class RegistrationOrderTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_service_registered_first_that_enters_at_once_is_protected_before_its_body(bool background)
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        var registry = new CriticalSessionRegistry();
        var early = new EarlyJob(registry, agent.Model);
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(registry);
        if (background)
        {
            builder.Services.AddHostedService(_ => new EarlyBackgroundJob(early));
        }
        else
        {
            builder.Services.AddHostedService(_ => early);
        }

        builder.Services.AddTaskProtection(o => o.AgentUri = agent.AgentUri);
        using IHost host = builder.Build();

        await host.StartAsync().WaitAsync(Bound);
        await early.BodyRan.Task.WaitAsync(Bound);
        await host.StopAsync().WaitAsync(Bound);

        Assert.True(early.ProtectedWhenBodyStarted, "The body started before the agent confirmed protection.");
        AgentCall first = agent.Model.Calls[0];
        Assert.Contains("\"ProtectionEnabled\":true", first.Body, StringComparison.Ordinal);
        Assert.True(first.ReceivedAt <= early.BodyStartedAt, $"First enable at {first.ReceivedAt:O}, body at {early.BodyStartedAt:O}.");
    }

    private sealed class EarlyJob(CriticalSessionRegistry registry, ProtectionModel model) : IHostedService
    {
        public TaskCompletionSource BodyRan { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool ProtectedWhenBodyStarted { get; private set; }

        public DateTimeOffset BodyStartedAt { get; private set; }

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await using (await registry.EnterAsync("early-job", cancellationToken))
            {
                BodyStartedAt = DateTimeOffset.UtcNow;
                ProtectedWhenBodyStarted = model.IsProtected;
            }

            BodyRan.TrySetResult();
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class EarlyBackgroundJob(EarlyJob job) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => job.StartAsync(stoppingToken);
    }
}
