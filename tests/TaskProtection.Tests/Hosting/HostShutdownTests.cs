using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TaskProtection.Testing;

namespace TaskProtection.Tests.Hosting;

/// <summary>The host's stop path over real HTTP: drain, release, the pairing with HostOptions, the health check in DI.</summary>
public sealed class HostShutdownTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static IHost BuildHost(CriticalSessionRegistry registry, Action<TaskProtectionOptions> configure, TimeSpan? shutdownTimeout = null)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(registry);
        builder.Services.AddTaskProtection(configure);
        builder.Services.AddHealthChecks().AddTaskProtection(tags: ["ready"]);
        if (shutdownTimeout is not null)
        {
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout.Value);
        }

        return builder.Build();
    }

    [Fact]
    public async Task Stopping_the_host_signals_shutdown_waits_for_the_session_and_then_releases()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        var registry = new CriticalSessionRegistry();
        using IHost host = BuildHost(registry, o => o.AgentUri = agent.AgentUri);
        await host.StartAsync();
        CriticalSession session = await registry.EnterAsync("transcode").AsTask().WaitAsync(Bound);
        Assert.True(agent.Model.IsProtected);

        // The job notices the shutdown; while it checkpoints, the stop waits for it with protection held.
        var noticed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        registry.ShutdownRequested.Register(noticed.SetResult);
        Task stopping = host.StopAsync();
        await noticed.Task.WaitAsync(Bound);
        Assert.True(agent.Model.IsProtected, "Protection ended before the session did.");
        Assert.False(stopping.IsCompleted, "The stop did not wait for the running session.");
        session.Dispose();
        await stopping.WaitAsync(Bound);

        Assert.False(agent.Model.IsProtected);
        Assert.False(session.IsActive);
        Assert.Throws<CriticalSessionRefusedException>(() => registry.Enter("after"));
        AgentCall release = agent.Model.Calls[^1];
        Assert.Contains("\"ProtectionEnabled\":false", release.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_drain_that_the_host_would_cut_short_fails_start_up_with_the_fix()
    {
        using IHost host = BuildHost(new CriticalSessionRegistry(), o => o.DrainTimeout = TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30));
        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(
            "DrainTimeout + RequestTimeout ≤ HostOptions.ShutdownTimeout fails: 25 s + 10 s = 35 s, but the host stops waiting after 30 s",
            error.Message,
            StringComparison.Ordinal);
        Assert.Contains("o.ShutdownTimeout = TimeSpan.FromSeconds(35)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_defaults_fit_the_hosts_default_shutdown_timeout()
    {
        using IHost host = BuildHost(new CriticalSessionRegistry(), _ => { });
        Assert.Equal(TimeSpan.FromSeconds(30), host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
        await host.StartAsync();
        await host.StopAsync();
    }

    [Fact]
    public async Task The_health_check_is_registered_and_reports_the_manager()
    {
        using IHost host = BuildHost(new CriticalSessionRegistry(), _ => { });
        await host.StartAsync();
        HealthReport report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready"));
        HealthReportEntry entry = report.Entries["task-protection"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("Unavailable", entry.Data["mode"]);
        await host.StopAsync();
    }
}
