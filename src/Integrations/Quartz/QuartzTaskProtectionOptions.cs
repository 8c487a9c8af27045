using Quartz;

namespace TaskProtection.Quartz;

/// <summary>Which Quartz jobs run inside a TaskProtection session.</summary>
public sealed class QuartzTaskProtectionOptions
{
    /// <summary>
    /// Whether only chosen jobs are protected: those whose class has <see cref="ProtectJobAttribute"/> or whose key
    /// <see cref="JobMatcher"/> accepts.
    /// </summary>
    /// <value>Default <see langword="false"/>: every job is protected except those whose class has <see cref="DoNotProtectJobAttribute"/>.</value>
    public bool OnlyChosenJobs { get; set; }

    /// <summary>
    /// With <see cref="OnlyChosenJobs"/>, also protects the jobs whose key this matcher accepts (for example
    /// <c>GroupMatcher&lt;JobKey&gt;.GroupEquals("transcoding")</c>).
    /// </summary>
    /// <value>Default <see langword="null"/>: only marked classes.</value>
    public IMatcher<JobKey>? JobMatcher { get; set; }
}
