using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace TaskProtection.TestHost;

/// <summary>
/// <c>--quartz SECONDS</c>: a Quartz.NET worker with <c>q.UseTaskProtection()</c> whose one job runs SECONDS of real
/// time, printing JOB STARTED and JOB ENDED (with the instant); shuts down on SIGTERM as a real deployment would.
/// </summary>
internal static class QuartzWorker
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
        builder.Services.AddQuartz(q =>
        {
            q.UseTaskProtection();
            q.ScheduleJob<TranscodeJob>(trigger => trigger.StartNow());
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);

        using IHost host = builder.Build();
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() => Output.Line("READY"));
        await host.RunAsync();
        Output.Line("EXITING");
        return 0;
    }

    private sealed class TranscodeJob(JobSettings settings) : IJob
    {
        public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
        {
            Output.Line("JOB STARTED");
            await Task.Delay(settings.SessionLength, CancellationToken.None);
            Output.Line("JOB ENDED " + DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        }
    }
}
