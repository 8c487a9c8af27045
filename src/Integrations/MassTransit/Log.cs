using Microsoft.Extensions.Logging;

namespace TaskProtection.MassTransit;

/// <summary>The MassTransit integration's log events: 1110–1119, listed in docs/observability.md.</summary>
internal static partial class Log
{
    [LoggerMessage(1110, LogLevel.Information, "MassTransit: {Endpoints} receive endpoints paused (stopped between messages; the messages in flight finish) because the task takes no new work: {Why}")]
    public static partial void Paused(ILogger logger, int endpoints, string why);

    [LoggerMessage(1111, LogLevel.Information, "MassTransit: {Endpoints} receive endpoints started again: the task takes work again.")]
    public static partial void Resumed(ILogger logger, int endpoints);

    [LoggerMessage(1112, LogLevel.Warning, "MassTransit: pausing or resuming the receive endpoints failed; they stay as they are until the task's admission changes again.")]
    public static partial void PauseFailed(ILogger logger, Exception exception);

    [LoggerMessage(1113, LogLevel.Information, "MassTransit: a message for {Session}, taken by the transport before its endpoint paused, waits unconsumed until the task takes work again: {Reason}")]
    public static partial void MessageWaiting(ILogger logger, string session, string reason);
}
