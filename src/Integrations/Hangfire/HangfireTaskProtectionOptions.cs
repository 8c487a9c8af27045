namespace TaskProtection.Hangfire;

/// <summary>How Hangfire jobs are protected.</summary>
public sealed class HangfireTaskProtectionOptions
{
    /// <summary>
    /// The registry the jobs' sessions enter: the one <c>services.AddTaskProtection()</c> attaches its manager to.
    /// </summary>
    /// <value>Default <see cref="CriticalSessionRegistry.Default"/>, which is what <c>AddTaskProtection</c> uses unless another registry was registered first.</value>
    public CriticalSessionRegistry Registry { get; set; } = CriticalSessionRegistry.Default;
}
