using Microsoft.Extensions.Logging;

namespace TaskProtection.Quartz;

/// <summary>The Quartz integration's log events: 1100–1109, listed in docs/observability.md.</summary>
internal static partial class Log
{
    [LoggerMessage(1100, LogLevel.Warning, "Quartz job {JobKey} not run (vetoed: it runs at its trigger's next fire time, if there is one): it could not be protected: {Reason}")]
    public static partial void Vetoed(ILogger logger, string jobKey, string reason);

    [LoggerMessage(1101, LogLevel.Information, "Quartz scheduler {Scheduler} in standby (running jobs go on; triggers coming due are not fired here) because the task takes no new work: {Why}")]
    public static partial void StoodBy(ILogger logger, string scheduler, string why);

    [LoggerMessage(1102, LogLevel.Information, "Quartz scheduler {Scheduler} started again: the task takes work again.")]
    public static partial void Started(ILogger logger, string scheduler);

    [LoggerMessage(1103, LogLevel.Information, "Quartz job {JobKey} was fired as the task stopped taking new work; it waits, not started, until the task takes work again: {Reason}")]
    public static partial void Waiting(ILogger logger, string jobKey, string reason);

    [LoggerMessage(1104, LogLevel.Warning, "Quartz: standing the scheduler by or starting it again failed; it stays as it is until the task's admission changes again.")]
    public static partial void StandbyFailed(ILogger logger, Exception exception);
}
