using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TaskProtection.Testing;

namespace TaskProtection.Tests.Hosting;

/// <summary>The generic-host wiring, end to end over real HTTP (real time, bounded waits).</summary>
public sealed class AddTaskProtectionTests
{
    private static IHost BuildHost(Action<TaskProtectionOptions>? configure, Dictionary<string, string?>? settings, CriticalSessionRegistry registry)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.Services.AddSingleton(registry);
        builder.Services.AddTaskProtection(configure);
        return builder.Build();
    }

    [Fact]
    public async Task A_session_is_protected_through_the_host_and_released_after()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        var registry = new CriticalSessionRegistry();
        using IHost host = BuildHost(o => { o.AgentUri = agent.AgentUri; o.ReleaseDelay = TimeSpan.Zero; }, null, registry);
        await host.StartAsync();

        await using (CriticalSession session = await registry.EnterAsync("import").AsTask().WaitAsync(TimeSpan.FromSeconds(10)))
        {
            Assert.True(agent.Model.IsProtected);
            TaskProtectionStatus status = host.Services.GetRequiredService<TaskProtectionManager>().GetStatus();
            Assert.Equal(ProtectionMode.Protected, status.Mode);
            Assert.Equal("import", Assert.Single(status.ActiveSessions).Name);
        }

        // The release travels over a real socket: poll, bounded, rather than spin.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (agent.Model.IsProtected && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        Assert.False(agent.Model.IsProtected);
        await host.StopAsync();
        Assert.Equal("{\"ProtectionEnabled\":false}", agent.Model.Calls[^1].Body);
    }

    [Fact]
    public async Task Options_bind_from_the_TaskProtection_section_and_ECS_AGENT_URI()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        var registry = new CriticalSessionRegistry();
        using IHost host = BuildHost(null, new()
        {
            ["TaskProtection:ExtensionInterval"] = "00:10:00",
            ["TaskProtection:AcquireTimeoutBehavior"] = "Throw",
            ["ECS_AGENT_URI"] = agent.AgentUri.ToString(),
        }, registry);
        await host.StartAsync();
        TaskProtectionOptions options = host.Services.GetRequiredService<IOptions<TaskProtectionOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(10), options.ExtensionInterval);
        Assert.Equal(AcquireTimeoutBehavior.Throw, options.AcquireTimeoutBehavior);

        await using (await registry.EnterAsync("job").AsTask().WaitAsync(TimeSpan.FromSeconds(10)))
        {
            Assert.Equal("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":12}", agent.Model.Calls[0].Body);
        }

        await host.StopAsync();
    }

    [Fact]
    public async Task Without_an_agent_address_the_manager_runs_unavailable()
    {
        var registry = new CriticalSessionRegistry();
        using IHost host = BuildHost(null, null, registry);
        await host.StartAsync();
        ValueTask<CriticalSession> entering = registry.EnterAsync("job");
        Assert.True(entering.IsCompletedSuccessfully);
        TaskProtectionStatus status = host.Services.GetRequiredService<TaskProtectionManager>().GetStatus();
        Assert.Equal(ProtectionMode.Unavailable, status.Mode);
        Assert.Contains("ECS_AGENT_URI is not set", status.UnavailableReason, StringComparison.Ordinal);
        entering.Result.Dispose();
        await host.StopAsync();
    }

    [Fact]
    public async Task An_invalid_configuration_stops_the_host_at_start_with_the_reason()
    {
        var registry = new CriticalSessionRegistry();
        using IHost host = BuildHost(o => o.CheckInterval = TimeSpan.FromMinutes(5), null, registry);
        OptionsValidationException ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("GapSafetyMargin", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_ECS_AGENT_URI_is_reported_clearly()
    {
        var registry = new CriticalSessionRegistry();
        using IHost host = BuildHost(null, new() { ["ECS_AGENT_URI"] = "not a uri" }, registry);
        InvalidOperationException ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("'not a uri' is not an absolute http(s) URI", ex.Message, StringComparison.Ordinal);
    }
}
