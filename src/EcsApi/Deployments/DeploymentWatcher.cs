using Microsoft.Extensions.Logging;

namespace TaskProtection;

/// <summary>
/// Runs the <see cref="DeploymentCheck"/> every interval while the task is protected (and while it stopped taking work
/// for a deployment, to notice a rollback) and tells the manager: <see cref="TaskProtectionManager.StopTakingWork"/>
/// when the service is replacing the task, <see cref="TaskProtectionManager.ResumeTakingWork"/> when that is undone.
/// It has its own loop, timers (on the manager's clock, so that simulations drive it) and HTTP client: it never delays
/// the manager's calls, and nothing it meets reaches the manager. A check that cannot work here (no permission, a task
/// outside a service) says so once and stops, leaving the task as it would be without it; throttled checks back off.
/// Its awaits resume on the scheduler it was started on, as the manager's loop does (the thread pool in production, a
/// deterministic one in simulations), so they omit ConfigureAwait.
/// </summary>
internal sealed class DeploymentWatcher(TaskProtectionManager manager, DeploymentCheck check, TimeSpan interval, TimeProvider time, ILogger logger, Func<double> jitter)
{
    /// <summary>Throttled checks back off, doubling, up to this many intervals (and an hour).</summary>
    public const int MaxBackoffIntervals = 16;

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    // The PRIMARY deployment this watcher stopped taking work for; null while the task takes work (as far as it knows).
    private string? _stoppedFor;
    private int _throttles;

    /// <summary>Finds the task, then checks every interval until stopped, or until the check turns out to be of no use here.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            if (await FindTaskAsync(stopping) is not { } task)
            {
                return;
            }

            DeploymentLog.Started(logger, task.ServiceName, interval);

            // Tasks started together (a scale-out, a deployment's new tasks) would check together, in bursts the
            // account's rate limit throttles: each starts at a random point of its first interval and drifts a little.
            TimeSpan delay = interval * jitter();
            while (delay != Timeout.InfiniteTimeSpan)
            {
                await Task.Delay(delay, time, stopping);
                delay = ShouldCheck() ? await CheckOnceAsync(stopping) : Spread(interval, jitter());
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped with the host.
        }
        catch (Exception unexpected) when (unexpected is not OperationCanceledException)
        {
            // Nothing the check meets may reach the host or the manager.
            GiveUp($"the check failed unexpectedly ({unexpected.GetType().Name}: {unexpected.Message})");
        }
    }

    /// <summary>One check and what follows from it; the delay before the next, infinite when there will be none.</summary>
    internal async Task<TimeSpan> CheckOnceAsync(CancellationToken stopping)
    {
        DeploymentVerdict verdict;
        try
        {
            verdict = await check.RunAsync(stopping);
        }
        catch (TaskProtectionCallException failure) when (!stopping.IsCancellationRequested)
        {
            return OnFailure(failure);
        }
        catch (Exception unexpected) when (unexpected is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            return GiveUp($"the check failed unexpectedly ({unexpected.GetType().Name}: {unexpected.Message})");
        }

        _throttles = 0;
        return Apply(verdict);
    }

    /// <summary>The interval, 10 % shorter to 10 % longer: its mean stays the interval, and tasks in step drift apart.</summary>
    internal static TimeSpan Spread(TimeSpan interval, double jitter) => interval * (0.9 + (0.2 * jitter));

    /// <summary>The delay after <paramref name="throttles"/> throttled checks in a row: doubling, capped, jittered between half and all of it, never under the interval.</summary>
    internal static TimeSpan Backoff(TimeSpan interval, int throttles, double jitter)
    {
        double factor = Math.Min(MaxBackoffIntervals, Math.Pow(2, Math.Min(throttles, 30)));
        TimeSpan cap = TimeSpan.FromTicks((long)Math.Min(interval.Ticks * factor, MaxBackoff.Ticks));
        TimeSpan jittered = cap * (0.5 + (0.5 * jitter));
        return jittered < interval ? interval : jittered;
    }

    private bool ShouldCheck() =>
        !manager.ShutdownRequested.IsCancellationRequested && (_stoppedFor is not null || manager.GetStatus().ProtectionEnabled);

    private async Task<OwnService?> FindTaskAsync(CancellationToken stopping)
    {
        while (true)
        {
            try
            {
                OwnService? task = await check.FindTaskAsync(stopping);
                if (task is null)
                {
                    GiveUp("the task metadata names no service: this task was not started by a service, which is all a deployment replaces");
                }

                return task;
            }
            catch (TaskProtectionCallException failure) when (failure.IsRetryable && !stopping.IsCancellationRequested)
            {
                DeploymentLog.Failed(logger, failure.Message);
            }
            catch (TaskProtectionCallException failure) when (!stopping.IsCancellationRequested)
            {
                GiveUp(failure.Message);
                return null;
            }

            await Task.Delay(interval, time, stopping);
        }
    }

    private TimeSpan OnFailure(TaskProtectionCallException failure)
    {
        if (failure.Code == "AccessDeniedException")
        {
            DeploymentLog.NotAllowed(logger, failure.Message);
            return Stop();
        }

        if (failure.Kind == CallFailureKind.Throttled)
        {
            TimeSpan retryIn = Backoff(interval, ++_throttles, jitter());
            DeploymentLog.Throttled(logger, retryIn);
            return retryIn;
        }

        if (failure.IsRetryable)
        {
            DeploymentLog.Failed(logger, failure.Message);
            return interval;
        }

        return GiveUp(failure.Message);
    }

    private TimeSpan Apply(DeploymentVerdict verdict)
    {
        switch (verdict.Kind)
        {
            case VerdictKind.Replaced when _stoppedFor != verdict.Primary!.Id:
                // Told once per deployment: a later check of the same deployment changes nothing (and leaves alone a
                // ResumeTakingWork the application chose to call).
                _stoppedFor = verdict.Primary.Id;
                manager.StopTakingWork(verdict.Why);
                break;
            case VerdictKind.Keep when _stoppedFor is not null:
                _stoppedFor = null;
                manager.ResumeTakingWork();
                DeploymentLog.Resumed(logger, verdict.Why);
                break;
            case VerdictKind.Undecidable:
                return GiveUp(verdict.Why);
        }

        return Spread(interval, jitter());
    }

    private TimeSpan GiveUp(string why)
    {
        DeploymentLog.CannotCheck(logger, why);
        return Stop();
    }

    /// <summary>No more checks: the task works as it would without them, so a stop this watcher asked for is undone.</summary>
    private TimeSpan Stop()
    {
        if (_stoppedFor is not null)
        {
            _stoppedFor = null;
            manager.ResumeTakingWork();
        }

        return Timeout.InfiniteTimeSpan;
    }
}
