using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaskProtection.Testing;

namespace TaskProtection.Tests.Integrations;

/// <summary>
/// A host as an application builds it: <c>AddTaskProtection()</c> against the fake agent, with the test's own registry
/// (tests run in parallel; the default registry is shared) and job record, releasing 200 ms after the last job.
/// </summary>
internal static class IntegrationHost
{
    public static HostApplicationBuilder CreateBuilder(FakeEcsAgent agent, CriticalSessionRegistry registry, JobRecord record, Action<TaskProtectionOptions>? options = null)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton(record);
        builder.Services.AddTaskProtection(o =>
        {
            o.AgentUri = agent.AgentUri;
            o.ReleaseDelay = TimeSpan.FromMilliseconds(200);
            options?.Invoke(o);
        });
        return builder;
    }

    public static async Task<IHost> StartAsync(HostApplicationBuilder builder)
    {
        IHost host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
