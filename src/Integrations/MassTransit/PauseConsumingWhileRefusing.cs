using MassTransit;
using Microsoft.Extensions.Logging;
using TaskProtection.Integrations;

namespace TaskProtection.MassTransit;

/// <summary>
/// Keeps the receive endpoints from taking messages while the task refuses new work (the drain before
/// MaxProtectionDuration, the cool-down after it, StopTakingWork, shutdown): stops them, as MassTransit's kill switch does,
/// so that the messages not yet taken stay in the queue for another task, and starts them again once the task takes work.
/// A stop lets the messages in flight finish (protected); one the transport had already taken waits in
/// <see cref="ProtectedConsumeFilter{TConsumer, TMessage}"/>. On the bus, shutdown stops the whole bus for good, as
/// before, and nothing is started again once shutdown began. The bus's own endpoint (responses) is never paused.
/// </summary>
internal sealed class PauseConsumingWhileRefusing : IBusObserver, IReceiveEndpointObserver
{
    private readonly WorkAdmission _admission;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<Uri, IReceiveEndpoint> _endpoints = [];
    private readonly HashSet<Uri> _paused = [];
    private readonly IDisposable _subscription;
    private Task _applying = Task.CompletedTask;
    private Uri? _busAddress;
    private bool _busStopping;
    private CancellationTokenRegistration _stopBusOnShutdown;

    public PauseConsumingWhileRefusing(WorkAdmission admission, ILogger logger)
    {
        _admission = admission;
        _logger = logger;
        _subscription = admission.Subscribe(Schedule);
    }

    public void PostCreate(IBus bus)
    {
    }

    public void CreateFaulted(Exception exception)
    {
    }

    public Task PreStart(IBus bus)
    {
        // Before the endpoints start, so that every endpoint's Ready is heard, the bus's own included (to be left alone).
        _busAddress = bus.Address;
        bus.ConnectReceiveEndpointObserver(this);
        return Task.CompletedTask;
    }

    public Task PostStart(IBus bus, Task<BusReady> busReady)
    {
        if (bus is IBusControl control)
        {
            _stopBusOnShutdown = _admission.Registry.ShutdownRequested.Register(static state => _ = ((IBusControl)state!).StopAsync(CancellationToken.None), control);
        }

        return Task.CompletedTask;
    }

    public Task StartFaulted(IBus bus, Exception exception) => Task.CompletedTask;

    public Task PreStop(IBus bus)
    {
        lock (_lock)
        {
            _busStopping = true;
        }

        _stopBusOnShutdown.Dispose();
        _subscription.Dispose();
        return Task.CompletedTask;
    }

    public Task PostStop(IBus bus) => Task.CompletedTask;

    public Task StopFaulted(IBus bus, Exception exception) => Task.CompletedTask;

    public Task Ready(ReceiveEndpointReady ready)
    {
        if (!ready.IsStarted || ready.InputAddress == _busAddress)
        {
            return Task.CompletedTask;
        }

        lock (_lock)
        {
            // Running now, whoever started it: a refusal still in force stops it again.
            _endpoints[ready.InputAddress] = ready.ReceiveEndpoint;
            _paused.Remove(ready.InputAddress);
        }

        if (_admission.IsRefusing)
        {
            Schedule();
        }

        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;

    /// <summary>One change at a time, in order; each reads the state as it is when it runs.</summary>
    private void Schedule()
    {
        lock (_lock)
        {
            _applying = ApplyAfterAsync(_applying);
        }
    }

    private async Task ApplyAfterAsync(Task previous)
    {
        await previous.ConfigureAwait(false);
        try
        {
            await ApplyAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.PauseFailed(_logger, ex);
        }
    }

    private async Task ApplyAsync()
    {
        if (_admission.IsRefusing)
        {
            // On the bus, shutdown stops the whole bus; stopping its endpoints here as well would race with that.
            if (_busAddress is not null && _admission.IsShuttingDown)
            {
                return;
            }

            IReceiveEndpoint[] pausing;
            lock (_lock)
            {
                pausing = TakeLocked(running: true);
            }

            if (pausing.Length > 0)
            {
                Log.Paused(_logger, pausing.Length, _admission.Why);
                await Task.WhenAll(pausing.Select(static e => e.Stop())).ConfigureAwait(false);
            }

            return;
        }

        lock (_lock)
        {
            // Under the lock that PreStop takes: an endpoint started here is one the bus's stop will stop.
            if (_busStopping || _admission.IsShuttingDown)
            {
                return;
            }

            // Not waiting for them to be ready (a broker may be away for a while): the next change must not wait on that.
            IReceiveEndpoint[] resuming = TakeLocked(running: false);
            foreach (IReceiveEndpoint endpoint in resuming)
            {
                try
                {
                    endpoint.Start();
                }
                catch (Exception ex)
                {
                    Log.PauseFailed(_logger, ex);
                }
            }

            if (resuming.Length > 0)
            {
                Log.Resumed(_logger, resuming.Length);
            }
        }
    }

    /// <summary>Under the lock: the endpoints to pause (those running) or resume (those paused here), marked as such.</summary>
    private IReceiveEndpoint[] TakeLocked(bool running)
    {
        KeyValuePair<Uri, IReceiveEndpoint>[] taken = [.. _endpoints.Where(e => _paused.Contains(e.Key) != running)];
        foreach ((Uri address, _) in taken)
        {
            if (running)
            {
                _paused.Add(address);
            }
            else
            {
                _paused.Remove(address);
            }
        }

        return [.. taken.Select(static e => e.Value)];
    }
}
