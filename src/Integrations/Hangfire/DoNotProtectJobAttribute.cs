namespace TaskProtection.Hangfire;

/// <summary>
/// Opts a Hangfire job method (or every method of a class) out of protection: it runs without a session and does not
/// keep the task from being scaled in. For short or idempotent jobs whose loss costs nothing.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, Inherited = true, AllowMultiple = false)]
public sealed class DoNotProtectJobAttribute : Attribute;
