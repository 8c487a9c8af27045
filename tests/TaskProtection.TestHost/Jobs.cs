using Microsoft.Extensions.Hosting;

namespace TaskProtection.TestHost;

internal sealed record JobSettings(TimeSpan SessionLength);

/// <summary>Runs one critical job of the configured length, cancelled only through the worker's stopping token.</summary>
internal sealed partial class JobRunner(JobSettings settings) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.SessionLength <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await TranscodeAsync(settings.SessionLength, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            Output.Line("SESSION CANCELLED");
        }
    }

    [CriticalSection("test-host.transcode")]
    private partial Task TranscodeAsync(TimeSpan length, CancellationToken ct);

    private static async Task TranscodeCoreAsync(TimeSpan length, CancellationToken ct)
    {
        Output.Line("SESSION STARTED");
        await Task.Delay(length, ct);
        Output.Line("SESSION ENDED " + DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>Lines the test reads, flushed at once.</summary>
internal static class Output
{
    private static readonly Lock Gate = new();

    public static void Line(string text)
    {
        lock (Gate)
        {
            Console.Out.WriteLine(text);
            Console.Out.Flush();
        }
    }
}
