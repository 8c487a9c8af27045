using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaskProtection.Testing;

namespace TaskProtection.Tests.Integrations.MassTransit;

/// <summary>The host the MassTransit tests run: the in-memory transport, every consumer on its own endpoint, UseTaskProtection on the bus.</summary>
internal static class MassTransitTestHost
{
    /// <summary>The consumers' endpoints (transcode, broken, cache); the bus's own comes on top and is never paused.</summary>
    public const int ConsumerEndpoints = 3;

    public static async Task<IHost> StartAsync(FakeEcsAgent agent, CriticalSessionRegistry registry, JobRecord record, int concurrency = 25, IConsumeObserver? observer = null)
    {
        HostApplicationBuilder builder = IntegrationHost.CreateBuilder(agent, registry, record);
        builder.Services.AddMassTransit(x =>
        {
            x.AddConsumer<TranscodeConsumer>();
            x.AddConsumer<BrokenConsumer>();
            x.AddConsumer<CacheConsumer>();
            x.UsingInMemory((context, cfg) =>
            {
                cfg.UseTaskProtection(context);
                cfg.ConcurrentMessageLimit = concurrency;
                cfg.PrefetchCount = concurrency;
                if (observer is not null)
                {
                    cfg.ConnectConsumeObserver(observer);
                }

                cfg.ConfigureEndpoints(context);
            });
        });
        return await IntegrationHost.StartAsync(builder);
    }
}
