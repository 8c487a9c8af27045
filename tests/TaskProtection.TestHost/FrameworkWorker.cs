using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TaskProtection.TestHost;

/// <summary>
/// What the job-framework workers (<c>--quartz</c>, <c>--hangfire</c>, <c>--masstransit</c>) share: a host with
/// TaskProtection (20 s drain, releases a minute after the last job, so that only shutdown releases in a test), one
/// job of the given length printing JOB STARTED and JOB ENDED with the instant, and READY / EXITING.
/// </summary>
internal static class FrameworkWorker
{
    public static HostApplicationBuilder CreateBuilder(TimeSpan jobLength)
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
        return builder;
    }

    /// <summary>Runs until SIGTERM; <paramref name="started"/> runs once the host has started (to enqueue the job).</summary>
    public static async Task<int> RunAsync(HostApplicationBuilder builder, Action<IServiceProvider>? started = null)
    {
        using IHost host = builder.Build();
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
        {
            started?.Invoke(host.Services);
            Output.Line("READY");
        });
        await host.RunAsync();
        Output.Line("EXITING");
        return 0;
    }

    /// <summary>The job's body: real time; <paramref name="cancellationToken"/> is the framework's own, which the
    /// drain must not see cancelled (a cancelled job prints no JOB ENDED).</summary>
    public static async Task RunJobAsync(JobSettings settings, CancellationToken cancellationToken = default)
    {
        Output.Line("JOB STARTED");
        await Task.Delay(settings.SessionLength, cancellationToken);
        Output.Line("JOB ENDED " + DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
    }
}
