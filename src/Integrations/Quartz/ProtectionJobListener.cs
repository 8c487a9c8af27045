using Quartz;

namespace TaskProtection.Quartz;

/// <summary>Ends each run's session when the job has run, whatever its outcome, or when another listener vetoed it.</summary>
internal sealed class ProtectionJobListener(JobSessions sessions) : IJobListener
{
    public string Name => "TaskProtection";

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        sessions.End(context);
        return default;
    }

    public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        sessions.End(context);
        return default;
    }
}
