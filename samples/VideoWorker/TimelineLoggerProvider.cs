using System.Globalization;
using Microsoft.Extensions.Logging;
using TaskProtection;

namespace VideoWorker;

/// <summary>
/// Turns the protection manager's log events (stable ids, see docs/observability.md) into timeline lines. This is the
/// same stream any app gets through its logging; the sample only formats it for people.
/// </summary>
public sealed class TimelineLoggerProvider(Timeline timeline, RunStatistics statistics, Func<TaskProtectionManager?> manager) : ILoggerProvider
{
    private const string ManagerCategory = "TaskProtection.TaskProtectionManager";

    public ILogger CreateLogger(string categoryName) =>
        categoryName == ManagerCategory ? new TimelineLogger(timeline, statistics, manager) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class TimelineLogger(Timeline timeline, RunStatistics statistics, Func<TaskProtectionManager?> manager) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 1010)
            {
                statistics.ProtectionAcquired(DateTimeOffset.UtcNow);
            }
            else if (eventId.Id == 1012)
            {
                statistics.ProtectionReleased(DateTimeOffset.UtcNow);
            }

            string? text = eventId.Id switch
            {
                1001 => "protection unavailable: " + formatter(state, exception),
                1010 => "protection ACQUIRED" + Lease(),
                1011 => "protection RENEWED" + Lease(),
                1012 => "protection RELEASED (no job running)",
                1020 or 1021 or 1022 => "agent call failed: " + formatter(state, exception),
                1030 => "PROTECTION LOST: " + formatter(state, exception),
                1031 => "protection restored",
                1060 => "shutdown requested: finishing running jobs, taking no new ones",
                1061 => "drained: every job finished",
                1062 or 1063 or 1065 => formatter(state, exception),
                >= 1000 when logLevel >= LogLevel.Warning => formatter(state, exception),
                _ => null,
            };
            if (text is not null)
            {
                timeline.Write(text);
            }
        }

        private string Lease()
        {
            TimeSpan? left = manager()?.GetStatus().TimeUntilExpiry;
            return left is null ? "" : string.Create(CultureInfo.InvariantCulture, $" — lease {left.Value.TotalSeconds:0} s left");
        }
    }
}
