using Hangfire;
using TaskProtection.Hangfire;

namespace TaskProtection.Tests.Integrations.Hangfire;

public sealed class GatedHangfireJob(JobRecord record)
{
    public Task RunAsync(CancellationToken cancellationToken) => record.RunAsync(nameof(GatedHangfireJob), cancellationToken);

    [AutomaticRetry(Attempts = 0)]
    public Task FailAsync(CancellationToken cancellationToken) => record.RunAsync(nameof(GatedHangfireJob), cancellationToken, fail: true);

    [DoNotProtectJob]
    public Task HousekeepAsync(CancellationToken cancellationToken) => record.RunAsync(nameof(GatedHangfireJob), cancellationToken);
}
