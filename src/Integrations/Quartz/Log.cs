using Microsoft.Extensions.Logging;

namespace TaskProtection.Quartz;

/// <summary>The Quartz integration's log events: 1100–1109, listed in docs/observability.md.</summary>
internal static partial class Log
{
    [LoggerMessage(1100, LogLevel.Warning, "Quartz job {JobKey} not run (vetoed: it runs at its trigger's next fire time, if there is one): it could not be protected: {Reason}")]
    public static partial void Vetoed(ILogger logger, string jobKey, string reason);
}
