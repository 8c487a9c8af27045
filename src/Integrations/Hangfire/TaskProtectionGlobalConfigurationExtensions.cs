using TaskProtection.Hangfire;

namespace Hangfire;

/// <summary>Turns TaskProtection on for Hangfire background jobs.</summary>
public static class TaskProtectionGlobalConfigurationExtensions
{
    /// <summary>
    /// Runs every Hangfire job performed by this process inside a TaskProtection session named
    /// <c>hangfire {Type}.{Method}</c>: the job starts once protection covers it, and the session ends however it ends.
    /// Mark a method or class <see cref="DoNotProtectJobAttribute"/> to opt it out. A job that cannot be protected fails
    /// with the refusal and is retried by Hangfire's automatic retry. Call <c>services.AddTaskProtection()</c> as well.
    /// </summary>
    /// <param name="configuration">Hangfire's configuration, from <c>services.AddHangfire(c =&gt; …)</c> or <c>GlobalConfiguration.Configuration</c>.</param>
    /// <param name="configure">Changes to the options; optional.</param>
    /// <returns>The same configuration.</returns>
    public static IGlobalConfiguration UseTaskProtection(this IGlobalConfiguration configuration, Action<HangfireTaskProtectionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new HangfireTaskProtectionOptions();
        configure?.Invoke(options);
        return configuration.UseFilter(new TaskProtectionServerFilter(options));
    }
}
