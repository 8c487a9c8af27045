using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TaskProtection.TestHost;

/// <summary><c>--hangfire SECONDS</c>: a Hangfire server (in-memory storage) with <c>UseTaskProtection()</c> and one job of SECONDS.</summary>
internal static class HangfireWorker
{
    public static Task<int> RunAsync(TimeSpan jobLength)
    {
        HostApplicationBuilder builder = FrameworkWorker.CreateBuilder(jobLength);
        builder.Services.AddHangfire(c => c.UseInMemoryStorage().UseTaskProtection());
        builder.Services.AddHangfireServer(o => o.WorkerCount = 2);
        return FrameworkWorker.RunAsync(builder, services => services.GetRequiredService<IBackgroundJobClient>().Enqueue<TranscodeJob>(j => j.RunAsync()));
    }

    internal sealed class TranscodeJob(JobSettings settings)
    {
        public Task RunAsync() => FrameworkWorker.RunJobAsync(settings);
    }
}
