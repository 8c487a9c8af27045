using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TaskProtection;

/// <summary>
/// Runs the <see cref="DeploymentWatcher"/> with the host. It cannot work in a task running without ECS (the manager
/// unavailable) or without the task metadata endpoint; with <c>DrainOnDeployment = true</c> that, and a task outside a
/// service, stops the start; by default it is said once (not at all where the manager already says it runs without
/// ECS). Started on the thread pool, never on the manager's loop.
/// </summary>
internal sealed class DeploymentWatchService(
    TaskProtectionManager manager,
    DeploymentWatcher watcher,
    DeploymentCheck check,
    Uri? metadataUri,
    bool required,
    ILogger logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _running;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (CannotWork() is { } why)
        {
            if (required)
            {
                throw Required(why);
            }

            // In unavailable mode the manager has said it runs without ECS; nothing more to say.
            if (manager.Mode != ProtectionMode.Unavailable)
            {
                DeploymentLog.CannotCheck(logger, why);
            }

            return;
        }

        if (required)
        {
            await FindTaskOrFailAsync(cancellationToken).ConfigureAwait(false);
        }

        _running = Task.Run(() => watcher.RunAsync(_stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_running is { } running)
        {
            // The loop ends at once (its waits and calls take the token); the host's own bound still applies.
            await running.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private string? CannotWork() =>
        manager.Mode == ProtectionMode.Unavailable ? $"the task is not protected through ECS here ({manager.GetStatus().UnavailableReason})"
        : metadataUri is null ? $"{TaskMetadata.MetadataUriVariable} is not set, so the task cannot find its service (the ECS agent sets it in every task since agent 1.39.0)"
        : null;

    private async Task FindTaskOrFailAsync(CancellationToken cancellationToken)
    {
        OwnService? task;
        try
        {
            task = await check.FindTaskAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TaskProtectionCallException failure)
        {
            throw Required(failure.Message);
        }

        if (task is null)
        {
            throw Required("the task metadata names no service: this task was not started by a service, which is all a deployment replaces");
        }
    }

    private static InvalidOperationException Required(string why) =>
        new($"TaskProtection:DrainOnDeployment is true, but it cannot work here: {why}. Set it to false (or leave it unset: on where it can work).");
}
