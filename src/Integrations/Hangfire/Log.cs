using Microsoft.Extensions.Logging;

namespace TaskProtection.Hangfire;

/// <summary>The Hangfire integration's log events: 1120–1129, listed in docs/observability.md.</summary>
internal static partial class Log
{
    [LoggerMessage(1120, LogLevel.Information, "Hangfire job {JobId} ({Session}) handed back to its queue, not run; this worker takes no job until the task takes work again: {Reason}")]
    public static partial void HandedBack(ILogger logger, string jobId, string session, string reason);

    [LoggerMessage(1121, LogLevel.Information, "Hangfire job {JobId} ({Session}) not run, and not handed back: it had left the Processing state meanwhile (deleted or requeued); this worker takes no job until the task takes work again: {Reason}")]
    public static partial void LeftAlone(ILogger logger, string jobId, string session, string reason);
}
