using System.Globalization;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TaskProtection.TestHost;

/// <summary>
/// <c>--masstransit SECONDS</c>: a MassTransit worker (in-memory transport) with <c>cfg.UseTaskProtection(context)</c>
/// that publishes one message whose consumer takes SECONDS real time, printing JOB STARTED and JOB ENDED (with the
/// instant); shuts down on SIGTERM.
/// </summary>
internal static class MassTransitWorker
{
    public static async Task<int> RunAsync(TimeSpan jobLength)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Services.AddTaskProtection(o =>
        {
            o.DrainTimeout = TimeSpan.FromSeconds(20);
            o.ReleaseDelay = TimeSpan.FromMinutes(1);
        });
        builder.Services.AddSingleton(new JobSettings(jobLength));
        builder.Services.AddMassTransit(x =>
        {
            x.AddConsumer<TranscodeConsumer>();
            x.UsingInMemory((context, cfg) =>
            {
                cfg.UseTaskProtection(context);
                cfg.ConfigureEndpoints(context);
            });
        });

        using IHost host = builder.Build();
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
        {
            _ = host.Services.GetRequiredService<IBus>().Publish(new TranscodeVideo("clip-01"));
            Output.Line("READY");
        });
        await host.RunAsync();
        Output.Line("EXITING");
        return 0;
    }

    internal sealed record TranscodeVideo(string Name);

    internal sealed class TranscodeConsumer(JobSettings settings) : IConsumer<TranscodeVideo>
    {
        public async Task Consume(ConsumeContext<TranscodeVideo> context)
        {
            Output.Line("JOB STARTED");
            await Task.Delay(settings.SessionLength, CancellationToken.None);
            Output.Line("JOB ENDED " + DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        }
    }
}
