using Microsoft.Extensions.Logging;

namespace TaskProtection.TestHost;

/// <summary>The same job without the generic host: the documented path for plain console apps.</summary>
internal static partial class NoHost
{
    public static async Task<int> RunAsync(TimeSpan sessionLength, TimeSpan drainTimeout)
    {
        using ILoggerFactory logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        var options = new TaskProtectionOptions { DrainTimeout = drainTimeout, ReleaseDelay = TimeSpan.FromMinutes(1) };
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var client = new EcsAgentClient(http, new Uri(Environment.GetEnvironmentVariable(EcsAgentClient.AgentUriVariable)!), options.RequestTimeout);
        await using var manager = new TaskProtectionManager(client, options, logger: logging.CreateLogger<TaskProtectionManager>());
        await manager.StartAsync();

        Task job = sessionLength > TimeSpan.Zero ? TranscodeAsync(sessionLength) : Task.CompletedTask;
        Output.Line("READY");
        DrainResult result = await manager.RunUntilStoppedAsync();
        Output.Line($"DRAINED {result.Drained}");
        await Task.WhenAny(job, Task.Delay(TimeSpan.FromMilliseconds(100)));
        return result.Drained ? 0 : 3;
    }

    [CriticalSection("no-host.transcode")]
    private static partial Task TranscodeAsync(TimeSpan length);

    private static async Task TranscodeCoreAsync(TimeSpan length)
    {
        Output.Line("SESSION STARTED");
        await Task.Delay(length);
        Output.Line("SESSION ENDED " + DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }
}
