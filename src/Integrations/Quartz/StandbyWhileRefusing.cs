using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Quartz;
using TaskProtection.Integrations;

namespace TaskProtection.Quartz;

/// <summary>
/// While the task refuses new work (the drain before MaxProtectionDuration, the cool-down after it, StopTakingWork,
/// shutdown), keeps the running schedulers in standby: running jobs finish protected, and triggers that come due are not
/// fired here, so they stay in the job store (for another node, or for this one later) instead of being fired only to
/// wait or be vetoed. When the task takes work again the schedulers this stood down start again, and triggers that came
/// due meanwhile fire as their misfire instructions say; after shutdown they stay down, and Quartz's own stop comes after
/// the drain. A scheduler started while the task refuses work (a start delay, say) stands by at once.
/// </summary>
internal sealed class StandbyWhileRefusing(WorkAdmission admission, ISchedulerFactory schedulers, ILogger logger)
    : IHostedService, ISchedulerListener, IDisposable
{
    private readonly Lock _lock = new();
    private readonly HashSet<IScheduler> _stoodDown = [];
    private Task _applying = Task.CompletedTask;
    private IDisposable? _subscription;
    private volatile bool _stopped;

    public static StandbyWhileRefusing Create(IServiceProvider services) => new(
        services.GetRequiredService<WorkAdmission>(),
        services.GetRequiredService<ISchedulerFactory>(),
        services.GetService<ILogger<StandbyWhileRefusing>>() ?? (ILogger)NullLogger.Instance);

    public string Name => "TaskProtection";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = admission.Subscribe(Schedule);
        Schedule();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopped = true;
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _subscription?.Dispose();

    /// <summary>Not awaited: Quartz calls this from inside Start, which the change in progress may be awaiting.</summary>
    public ValueTask SchedulerStarted(IScheduler scheduler, CancellationToken cancellationToken = default)
    {
        if (admission.IsRefusing)
        {
            Schedule();
        }

        return default;
    }

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
            foreach (IScheduler scheduler in await schedulers.GetAllSchedulers().ConfigureAwait(false))
            {
                await ApplyAsync(scheduler).ConfigureAwait(false);
            }
        }
        catch (SchedulerException) when (admission.IsShuttingDown)
        {
            // Shutting down or shut down meanwhile: nothing left to stand by or start.
        }
        catch (Exception ex)
        {
            Log.StandbyFailed(logger, ex);
        }
    }

    private async Task ApplyAsync(IScheduler scheduler)
    {
        if (admission.IsRefusing)
        {
            if (scheduler.Status == SchedulerStatus.Running)
            {
                await scheduler.Standby().ConfigureAwait(false);
                _stoodDown.Add(scheduler);
                Log.StoodBy(logger, scheduler.SchedulerName, admission.Why);
            }
        }
        else if (!_stopped && !admission.IsShuttingDown && _stoodDown.Remove(scheduler) && scheduler.Status == SchedulerStatus.Standby)
        {
            // Only a scheduler this stood down: one the application keeps in standby stays there.
            await scheduler.Start().ConfigureAwait(false);
            Log.Started(logger, scheduler.SchedulerName);
        }
    }
}
