namespace TaskProtection.Quartz;

/// <summary>
/// Marks a Quartz job class to be protected when <see cref="QuartzTaskProtectionOptions.OnlyChosenJobs"/> is set.
/// Without that option every job is protected and the attribute changes nothing.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = false)]
public sealed class ProtectJobAttribute : Attribute;
