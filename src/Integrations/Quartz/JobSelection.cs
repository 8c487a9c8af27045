using Quartz;

namespace TaskProtection.Quartz;

/// <summary>Decides, per job, whether it runs inside a session; the answer is the same for every run of a job class.</summary>
internal sealed class JobSelection(QuartzTaskProtectionOptions options)
{
    public bool Protects(IJobDetail job)
    {
        if (Attribute.IsDefined(job.JobType.Type, typeof(DoNotProtectJobAttribute)))
        {
            return false;
        }

        return !options.OnlyChosenJobs
            || Attribute.IsDefined(job.JobType.Type, typeof(ProtectJobAttribute))
            || (options.JobMatcher?.IsMatch(job.Key) ?? false);
    }

    /// <summary>The session's name in status, logs and metrics: which job is running.</summary>
    public static string SessionName(IJobDetail job) => "quartz " + job.Key;
}
