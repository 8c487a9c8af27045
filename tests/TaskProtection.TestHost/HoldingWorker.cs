using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TaskProtection.TestHost;

/// <summary>
/// One process of a task sharing TaskProtection__CoordinationDirectory that the test steers: it prints who it is (PID
/// and user, which differ between containers), enters one session, holds it until the test creates a file, optionally
/// force-disables protection meanwhile, then stops. Lines carry Unix milliseconds for the test to hold against the fake
/// agent's record.
/// </summary>
internal static class HoldingWorker
{
    private static readonly TimeSpan HoldBound = TimeSpan.FromSeconds(90);

    public static async Task<int> RunAsync(string releaseFile, TimeSpan? forceDisableAfter)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information);
        builder.Services.AddTaskProtection(o =>
        {
            o.ReleaseDelay = TimeSpan.FromSeconds(1);
            o.DrainTimeout = TimeSpan.FromSeconds(20);
        });
        using IHost host = builder.Build();
        await host.StartAsync();
        var manager = host.Services.GetRequiredService<TaskProtectionManager>();
        manager.ProtectionLost += (_, e) => Output.Line($"TOLD {Now()} {e.Reason}");
        Output.Line($"WHO pid={Environment.ProcessId} user={Environment.UserName} participant={manager.GetStatus().Coordination?.Participant}");

        using (await manager.Registry.EnterAsync("held"))
        {
            Output.Line($"ENTER 0 {Now()}");
            if (forceDisableAfter is { } after)
            {
                await Task.Delay(after);
                await manager.ForceDisableProtectionAsync("test: operator");
                Output.Line($"FORCED {Now()}");
            }

            var holding = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(releaseFile) && holding.Elapsed < HoldBound)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50));
            }

            Output.Line($"EXIT 0 {Now()}");
        }

        await host.StopAsync();
        Output.Line("EXITING");
        return 0;
    }

    private static string Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
}
