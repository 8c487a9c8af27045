using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TaskProtection.TestHost;

/// <summary>
/// <c>--masstransit SECONDS</c>: a MassTransit bus (in-memory transport) with <c>cfg.UseTaskProtection(context)</c>
/// that publishes one message whose consumer takes SECONDS.
/// </summary>
internal static class MassTransitWorker
{
    public static Task<int> RunAsync(TimeSpan jobLength)
    {
        HostApplicationBuilder builder = FrameworkWorker.CreateBuilder(jobLength);
        builder.Services.AddMassTransit(x =>
        {
            x.AddConsumer<TranscodeConsumer>();
            x.UsingInMemory((context, cfg) =>
            {
                cfg.UseTaskProtection(context);
                cfg.ConfigureEndpoints(context);
            });
        });
        return FrameworkWorker.RunAsync(builder, services => _ = services.GetRequiredService<IBus>().Publish(new TranscodeVideo("clip-01")));
    }

    internal sealed record TranscodeVideo(string Name);

    internal sealed class TranscodeConsumer(JobSettings settings) : IConsumer<TranscodeVideo>
    {
        public Task Consume(ConsumeContext<TranscodeVideo> context) => FrameworkWorker.RunJobAsync(settings, context.CancellationToken);
    }
}
