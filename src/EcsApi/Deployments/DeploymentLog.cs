using System.Globalization;
using Microsoft.Extensions.Logging;

namespace TaskProtection;

/// <summary>The deployment check's messages (category <c>TaskProtection.DeploymentDrain</c>); event ids are stable and documented.</summary>
internal static partial class DeploymentLog
{
    public static void Started(ILogger logger, string service, TimeSpan interval) => StartedMessage(logger, service, Span(interval));

    [LoggerMessage(1091, LogLevel.Information, "Deployment-aware drain is on: while the task is protected, it asks ECS every {Interval} whether the service {Service} is replacing it, and then stops taking work.")]
    private static partial void StartedMessage(ILogger logger, string service, string interval);

    [LoggerMessage(1092, LogLevel.Information, "Taking work again: {Why} (the deployment that was replacing this task was rolled back or stopped).")]
    public static partial void Resumed(ILogger logger, string why);

    [LoggerMessage(1093, LogLevel.Warning, "Deployment-aware drain is off: the task role may not describe its service or task ({Error}). Allow it ecs:DescribeServices and ecs:DescribeTasks (see the README's IAM policies); until then a deployment replaces a busy task when its protection ends.")]
    public static partial void NotAllowed(ILogger logger, string error);

    [LoggerMessage(1094, LogLevel.Warning, "Deployment-aware drain is off: {Why}. A deployment replaces a busy task when its protection ends.")]
    public static partial void CannotCheck(ILogger logger, string why);

    public static void Throttled(ILogger logger, TimeSpan retryIn) => ThrottledMessage(logger, Span(retryIn));

    [LoggerMessage(1095, LogLevel.Debug, "The deployment check was throttled by ECS; next check in {RetryIn}.")]
    private static partial void ThrottledMessage(ILogger logger, string retryIn);

    [LoggerMessage(1096, LogLevel.Debug, "The deployment check failed and is tried again at the next interval: {Error}")]
    public static partial void Failed(ILogger logger, string error);

    /// <summary>A duration as people write it (45 s, 2 min, 1 h 30 min); the core's formatter is internal to it.</summary>
    internal static string Span(TimeSpan span) => span switch
    {
        { TotalMinutes: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###} s"),
        { Seconds: 0, Milliseconds: 0, TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{span.Minutes} min"),
        { Minutes: 0, Seconds: 0, Milliseconds: 0 } => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h"),
        { Seconds: 0, Milliseconds: 0 } => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###} s"),
    };
}
