using Quartz;
using TaskProtection.Quartz;

namespace TaskProtection.Tests.Integrations.Quartz;

/// <summary>What the jobs of a test saw: when each body ran, and a gate that holds them until the test lets go.</summary>
public sealed class JobRecord(CriticalSessionRegistry registry)
{
    private readonly Lock _lock = new();
    private readonly List<(string Job, DateTimeOffset From, DateTimeOffset To, int ActiveSessions)> _runs = [];

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _started;

    public int Started => Volatile.Read(ref _started);

    public IReadOnlyList<(string Job, DateTimeOffset From, DateTimeOffset To, int ActiveSessions)> Runs
    {
        get
        {
            lock (_lock)
            {
                return [.. _runs];
            }
        }
    }

    public async Task RunAsync(IJobExecutionContext context, bool fail = false)
    {
        DateTimeOffset from = DateTimeOffset.UtcNow;
        int active = registry.ActiveCount;
        Interlocked.Increment(ref _started);
        try
        {
            await Release.Task.WaitAsync(TimeSpan.FromSeconds(30), context.CancellationToken);
            if (fail)
            {
                throw new InvalidOperationException("the job failed");
            }
        }
        finally
        {
            lock (_lock)
            {
                _runs.Add((context.JobDetail.Key.ToString(), from, DateTimeOffset.UtcNow, active));
            }
        }
    }
}

public sealed class GatedJob(JobRecord record) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await record.RunAsync(context);
}

public sealed class FailingJob(JobRecord record) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await record.RunAsync(context, fail: true);
}

[DoNotProtectJob]
public sealed class HousekeepingJob(JobRecord record) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await record.RunAsync(context);
}

[ProtectJob]
public sealed class MarkedJob(JobRecord record) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await record.RunAsync(context);
}
