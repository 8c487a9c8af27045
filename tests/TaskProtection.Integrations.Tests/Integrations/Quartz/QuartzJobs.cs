using Quartz;
using TaskProtection.Quartz;

namespace TaskProtection.Tests.Integrations.Quartz;

public sealed class GatedJob(JobRecord record) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await record.RunAsync(context.JobDetail.Key.ToString(), context.CancellationToken);
}

public sealed class FailingJob(JobRecord record) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await record.RunAsync(context.JobDetail.Key.ToString(), context.CancellationToken, fail: true);
}

[DoNotProtectJob]
public sealed class HousekeepingJob(JobRecord record) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await record.RunAsync(context.JobDetail.Key.ToString(), context.CancellationToken);
}

[ProtectJob]
public sealed class MarkedJob(JobRecord record) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await record.RunAsync(context.JobDetail.Key.ToString(), context.CancellationToken);
}
