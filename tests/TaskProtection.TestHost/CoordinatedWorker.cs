using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TaskProtection.TestHost;

/// <summary>
/// One of several worker processes of a task sharing TaskProtection__CoordinationDirectory: runs a few overlapping
/// sessions at seeded random times and prints, with Unix milliseconds, when each body starts and ends and when the
/// application is told protection is lost, so that the test can hold them against the fake agent's record.
/// </summary>
internal static class CoordinatedWorker
{
    public static async Task<int> RunAsync(int seed, int sessions)
    {
        // No command-line arguments: the host would read this mode's own as configuration.
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
        Output.Line("READY");

        var random = new Random(seed);
        Task[] jobs = [.. Enumerable.Range(0, sessions).Select(i => JobAsync(manager.Registry, i, TimeSpan.FromMilliseconds(random.Next(0, 3000)), TimeSpan.FromMilliseconds(random.Next(1500, 4000))))];
        await Task.WhenAll(jobs);
        Output.Line("DONE");
        await host.StopAsync();
        Output.Line("EXITING");
        return 0;
    }

    private static async Task JobAsync(CriticalSessionRegistry registry, int id, TimeSpan after, TimeSpan length)
    {
        await Task.Delay(after);
        CriticalSession session;
        try
        {
            session = await registry.EnterAsync($"job-{id}");
        }
        catch (CriticalSessionRefusedException)
        {
            Output.Line($"REFUSED {id}");
            return;
        }

        using (session)
        {
            Output.Line($"ENTER {id} {Now()}");
            await Task.Delay(length);
            Output.Line($"EXIT {id} {Now()}");
        }
    }

    private static string Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
}
