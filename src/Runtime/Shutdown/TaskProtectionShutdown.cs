using System.Runtime.InteropServices;

namespace TaskProtection;

/// <summary>
/// Graceful shutdown for apps that do not use the generic host (with the host, <c>AddTaskProtection</c> does all this).
/// </summary>
public static class TaskProtectionShutdown
{
    /// <summary>
    /// Waits for SIGTERM or SIGINT (or <paramref name="cancellationToken"/>), then drains: requests shutdown, so that
    /// <see cref="TaskProtectionManager.ShutdownRequested"/> is cancelled and new sessions are refused, and waits with
    /// protection renewed until the active sessions end or <see cref="TaskProtectionOptions.DrainTimeout"/> passes. A second
    /// signal during the drain gives up the wait at once. Then stops the manager, which releases protection. The signals'
    /// default action (ending the process) is cancelled: return from <c>Main</c> afterwards.
    /// </summary>
    /// <param name="manager">A started manager.</param>
    /// <param name="cancellationToken">Starts the drain as a signal would (for a shutdown the app decides itself).</param>
    /// <returns>How the drain ended.</returns>
    public static async Task<DrainResult> RunUntilStoppedAsync(this TaskProtectionManager manager, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manager);
        var stopRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var giveUp = new CancellationTokenSource();
        int signals = 0;
        using var listener = new StopSignals(signal =>
        {
            if (Interlocked.Increment(ref signals) == 1)
            {
                stopRequested.TrySetResult();
            }
            else
            {
                manager.OnSecondSignal(signal.ToString());
                giveUp.Cancel();
            }
        });
        using (cancellationToken.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), stopRequested))
        {
            await stopRequested.Task.ConfigureAwait(false);
        }

        // A cancellation-started drain counts as the first signal: the next one gives up the wait.
        Interlocked.CompareExchange(ref signals, 1, 0);
        DrainResult result = await manager.DrainAsync(giveUp.Token).ConfigureAwait(false);
        await manager.StopAsync(CancellationToken.None).ConfigureAwait(false);
        return result;
    }
}
