namespace TaskProtection.Quartz;

/// <summary>
/// Opts a Quartz job class out of protection: it runs without a session, and does not keep the task from being scaled
/// in. For short or idempotent jobs (cache refreshes, metrics), whose loss costs nothing.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = false)]
public sealed class DoNotProtectJobAttribute : Attribute;
