using Microsoft.Extensions.Hosting;
using Quartz;

namespace TaskProtection.TestHost;

/// <summary><c>--quartz SECONDS</c>: a Quartz.NET worker with <c>q.UseTaskProtection()</c> and one job of SECONDS.</summary>
internal static class QuartzWorker
{
    public static Task<int> RunAsync(TimeSpan jobLength)
    {
        HostApplicationBuilder builder = FrameworkWorker.CreateBuilder(jobLength);
        builder.Services.AddQuartz(q =>
        {
            q.UseTaskProtection();
            q.ScheduleJob<TranscodeJob>(trigger => trigger.StartNow());
        });
        builder.Services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return FrameworkWorker.RunAsync(builder);
    }

    private sealed class TranscodeJob(JobSettings settings) : IJob
    {
        public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await FrameworkWorker.RunJobAsync(settings, cancellationToken);
    }
}
