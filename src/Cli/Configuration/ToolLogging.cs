using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace TaskProtection.Cli.Configuration;

/// <summary>Logs go to standard error, one line each, so that standard output stays the command's or the data's.</summary>
internal static class ToolLogging
{
    public static ILoggerFactory Create(bool verbose) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Warning)
        .AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
            console.UseUtcTimestamp = true;
            console.ColorBehavior = LoggerColorBehavior.Disabled;
        })
        .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
}
