namespace TaskProtection.Hangfire;

/// <summary>
/// How Hangfire jobs are protected, for <c>UseTaskProtection(configure)</c>, made without the application's services;
/// <c>UseTaskProtection(services)</c> takes the registry <c>AddTaskProtection</c> uses, and its manager.
/// </summary>
public sealed class HangfireTaskProtectionOptions
{
    /// <summary>
    /// The registry the jobs' sessions enter: the one <c>services.AddTaskProtection()</c> attaches its manager to.
    /// </summary>
    /// <value>Default <see cref="CriticalSessionRegistry.Default"/>, which is what <c>AddTaskProtection</c> uses unless another registry was registered first.</value>
    public CriticalSessionRegistry Registry { get; set; } = CriticalSessionRegistry.Default;
}
