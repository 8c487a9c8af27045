using Microsoft.Extensions.Logging;

namespace TaskProtection.Tests.Infrastructure;

/// <summary>A logger that runs <see cref="Action"/> once, on the thread that logs the given event: forces an interleaving at that point of the loop.</summary>
internal sealed class OnceAtLogEvent(int eventId) : ILogger
{
    public Action? Action { get; set; }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId id, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (id.Id == eventId && Action is { } action)
        {
            Action = null;
            action();
        }
    }
}
