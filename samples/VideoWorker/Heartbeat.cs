using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace VideoWorker;

/// <summary>
/// Touches the file named by <c>Heartbeat:File</c> every 10 s while the host runs: a liveness signal the ECS container
/// health check can test without an HTTP server. Deliberately independent of protection (see the README).
/// </summary>
public sealed class Heartbeat(IConfiguration configuration, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? path = configuration["Heartbeat:File"];
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }

        using var timer = new PeriodicTimer(Period, time);
        do
        {
            await File.WriteAllTextAsync(path, time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture), stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
