using MassTransit;

namespace TaskProtection.MassTransit;

/// <summary>
/// When the task starts shutting down (SIGTERM: the drain has begun, new sessions are refused), stops the bus from
/// taking messages: in-flight consumers finish while the drain keeps protection, and messages not yet taken stay in
/// the queue for another task. Without it the bus would keep taking messages only to have them refused.
/// </summary>
internal sealed class StopConsumingOnShutdown(CriticalSessionRegistry registry) : IBusObserver
{
    private CancellationTokenRegistration _registration;

    public void PostCreate(IBus bus)
    {
    }

    public void CreateFaulted(Exception exception)
    {
    }

    public Task PreStart(IBus bus) => Task.CompletedTask;

    public Task PostStart(IBus bus, Task<BusReady> busReady)
    {
        if (bus is IBusControl control)
        {
            _registration = registry.ShutdownRequested.Register(static state => _ = ((IBusControl)state!).StopAsync(CancellationToken.None), control);
        }

        return Task.CompletedTask;
    }

    public Task StartFaulted(IBus bus, Exception exception) => Task.CompletedTask;

    public Task PreStop(IBus bus)
    {
        _registration.Dispose();
        return Task.CompletedTask;
    }

    public Task PostStop(IBus bus) => Task.CompletedTask;

    public Task StopFaulted(IBus bus, Exception exception) => Task.CompletedTask;
}
