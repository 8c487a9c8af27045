using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaskProtection.Testing;

namespace TaskProtection.Tests.Integrations.Hangfire;

/// <summary>The host the Hangfire tests run: Hangfire.InMemory storage, <c>UseTaskProtection(services)</c>, a server with the given workers.</summary>
internal static class HangfireTestHost
{
    public static async Task<IHost> StartAsync(
        FakeEcsAgent agent,
        CriticalSessionRegistry registry,
        JobRecord record,
        int workers,
        Action<TaskProtectionOptions>? options = null,
        Action<IGlobalConfiguration>? configure = null)
    {
        HostApplicationBuilder builder = IntegrationHost.CreateBuilder(agent, registry, record, options);
        builder.Services.AddHangfire((services, c) =>
        {
            c.UseInMemoryStorage().UseTaskProtection(services);
            configure?.Invoke(c);
        });
        builder.Services.AddHangfireServer(o => o.WorkerCount = workers);
        return await IntegrationHost.StartAsync(builder);
    }

    /// <summary>Hangfire's filters are global: each test removes those it added.</summary>
    public static void RemoveFilters()
    {
        foreach (var filter in GlobalJobFilters.Filters.Where(static f => f.Instance.GetType().Name is "TaskProtectionServerFilter" or "CancellingFilter").ToList())
        {
            GlobalJobFilters.Filters.Remove(filter.Instance);
        }
    }
}
