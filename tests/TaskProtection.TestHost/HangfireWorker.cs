using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TaskProtection.TestHost;

/// <summary><c>--hangfire SECONDS</c>: a Hangfire server (in-memory storage) with <c>UseTaskProtection(services)</c> and one job of SECONDS.</summary>
internal static class HangfireWorker
{
    public static Task<int> RunAsync(TimeSpan jobLength)
    {
        HostApplicationBuilder builder = FrameworkWorker.CreateBuilder(jobLength);
        builder.Services.AddHangfire((services, c) => c.UseInMemoryStorage().UseTaskProtection(services));
        // Hangfire cancels running jobs' tokens when it is told to stop (at SIGTERM) unless StopTimeout says to wait:
        // wait as long as the drain, so the job finishes protected.
        builder.Services.AddHangfireServer(o =>
        {
            o.WorkerCount = 2;
            o.StopTimeout = TimeSpan.FromSeconds(20);
        });
        return FrameworkWorker.RunAsync(builder, services => services.GetRequiredService<IBackgroundJobClient>().Enqueue<TranscodeJob>(j => j.RunAsync(CancellationToken.None)));
    }

    internal sealed class TranscodeJob(JobSettings settings)
    {
        public Task RunAsync(CancellationToken cancellationToken) => FrameworkWorker.RunJobAsync(settings, cancellationToken);
    }
}
