using System.Globalization;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TaskProtection.TestHost;

/// <summary>
/// <c>--hangfire SECONDS</c>: a Hangfire worker (in-memory storage) with <c>UseTaskProtection()</c> that enqueues one
/// job of SECONDS real time, printing JOB STARTED and JOB ENDED (with the instant); shuts down on SIGTERM.
/// </summary>
internal static class HangfireWorker
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
        builder.Services.AddHangfire(c => c.UseInMemoryStorage().UseTaskProtection());
        builder.Services.AddHangfireServer(o => o.WorkerCount = 2);

        using IHost host = builder.Build();
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
        {
            host.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<TranscodeJob>(j => j.RunAsync());
            Output.Line("READY");
        });
        await host.RunAsync();
        Output.Line("EXITING");
        return 0;
    }

    internal sealed class TranscodeJob(JobSettings settings)
    {
        public async Task RunAsync()
        {
            Output.Line("JOB STARTED");
            await Task.Delay(settings.SessionLength, CancellationToken.None);
            Output.Line("JOB ENDED " + DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        }
    }
}
