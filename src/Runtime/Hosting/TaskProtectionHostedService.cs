using Microsoft.Extensions.Hosting;

namespace TaskProtection;

/// <summary>
/// Runs the <see cref="TaskProtectionManager"/> with the host, from the starting phase on. The drain happens in the stopping phase, before any hosted
/// service is stopped: workers' <c>stoppingToken</c>s are cancelled only once their sessions have ended or
/// <see cref="TaskProtectionOptions.DrainTimeout"/> has passed. Protection is released when this service stops.
/// </summary>
internal sealed class TaskProtectionHostedService(TaskProtectionManager manager) : IHostedLifecycleService, IDisposable
{
    private readonly CancellationTokenSource _giveUp = new();
    private StopSignals? _signals;

    // Started in the starting phase, which runs before any hosted service's StartAsync: a service registered before
    // AddTaskProtection that enters a session at once still finds the manager attached, and waits for protection.
    public Task StartingAsync(CancellationToken cancellationToken) => manager.StartAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        // The signal that started this stop has been handled; another one means "stop now". ECS never sends a second
        // SIGTERM (it sends SIGKILL at stopTimeout), so this serves people at a terminal pressing Ctrl+C twice. Listen
        // before announcing the drain: a signal sent as soon as the announcement is seen must not be missed.
        _signals = new StopSignals(signal =>
        {
            manager.OnSecondSignal(signal.ToString());
            _giveUp.Cancel();
        });
        manager.RequestShutdown();

        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _giveUp.Token);
        await manager.DrainAsync(giveUp.Token).ConfigureAwait(false);
    }

    // The release is bounded by RequestTimeout; it must happen even when the host's own timeout has passed.
    public Task StopAsync(CancellationToken cancellationToken) => manager.StopAsync(CancellationToken.None);

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        _signals?.Dispose();
        _signals = null;
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _signals?.Dispose();
        _giveUp.Dispose();
    }
}
