using Microsoft.Extensions.Hosting;

namespace TaskProtection;

/// <summary>
/// Runs the <see cref="TaskProtectionManager"/> with the host. On stopping it requests shutdown first (before any hosted
/// service stops, so workers see <see cref="CriticalSessionRegistry.ShutdownRequested"/> at once), then, when its own turn
/// to stop comes, drains and releases.
/// </summary>
internal sealed class TaskProtectionHostedService(TaskProtectionManager manager) : IHostedLifecycleService, IDisposable
{
    private readonly CancellationTokenSource _giveUp = new();
    private StopSignals? _signals;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => manager.StartAsync(cancellationToken);

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        manager.RequestShutdown();

        // The signal that started this stop has been handled; another one means "stop now". ECS never sends a second
        // SIGTERM (it sends SIGKILL at stopTimeout), so this serves people at a terminal pressing Ctrl+C twice.
        _signals = new StopSignals(signal =>
        {
            manager.OnSecondSignal(signal.ToString());
            _giveUp.Cancel();
        });
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _giveUp.Token);
        await manager.DrainAsync(giveUp.Token).ConfigureAwait(false);

        // The release is bounded by RequestTimeout; it must happen even when the host's own timeout has passed.
        await manager.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

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
