using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace TaskProtection.Quartz;

/// <summary>
/// When the task starts shutting down (SIGTERM: the drain has begun, new sessions are refused), puts the scheduler in
/// standby: running jobs finish while the drain keeps protection, and triggers that come due are not fired here, so
/// they stay in the job store for another node instead of being fired only to be vetoed (a vetoed one-shot trigger
/// would never fire again). Quartz's own stop comes after the drain.
/// </summary>
internal sealed class StandbyOnShutdown(IServiceProvider services, ISchedulerFactory schedulers) : IHostedService, IDisposable
{
    private readonly CriticalSessionRegistry _registry = services.GetService<CriticalSessionRegistry>() ?? CriticalSessionRegistry.Default;
    private CancellationTokenRegistration _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = _registry.ShutdownRequested.Register(static state => _ = ((StandbyOnShutdown)state!).StandbyAsync(), this);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _registration.Dispose();

    private async Task StandbyAsync()
    {
        foreach (IScheduler scheduler in await schedulers.GetAllSchedulers().ConfigureAwait(false))
        {
            await scheduler.Standby().ConfigureAwait(false);
        }
    }
}
