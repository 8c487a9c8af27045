using System.Collections.Concurrent;
using MassTransit;

namespace TaskProtection.Tests.Integrations.MassTransit;

/// <summary>Every message handed to the consume pipe (an attempt, whatever becomes of it) and every consume fault.</summary>
public sealed class ConsumeCounter : IConsumeObserver
{
    private readonly ConcurrentQueue<Exception> _exceptions = new();
    private readonly ConcurrentQueue<DateTimeOffset> _attempts = new();

    public int Attempts => _attempts.Count;

    public DateTimeOffset[] AttemptTimes => [.. _attempts];

    public int Faults => _exceptions.Count;

    public Exception[] Exceptions => [.. _exceptions];

    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class
    {
        _attempts.Enqueue(DateTimeOffset.UtcNow);
        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class
    {
        _exceptions.Enqueue(exception);
        return Task.CompletedTask;
    }
}

/// <summary>The receive endpoints' stops and starts, heard from the bus once it has started.</summary>
public sealed class EndpointWatcher : IReceiveEndpointObserver
{
    private int _completed;
    private int _ready;

    public int Stopped => Volatile.Read(ref _completed);

    public int Started => Volatile.Read(ref _ready);

    public Task Ready(ReceiveEndpointReady ready)
    {
        Interlocked.Increment(ref _ready);
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed)
    {
        Interlocked.Increment(ref _completed);
        return Task.CompletedTask;
    }

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}
