using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TaskProtection;
using TaskProtection.Hangfire;
using TaskProtection.Integrations;

namespace Hangfire;

/// <summary>Turns TaskProtection on for Hangfire background jobs.</summary>
public static class TaskProtectionGlobalConfigurationExtensions
{
    /// <summary>
    /// Runs every Hangfire job performed by this process inside a TaskProtection session named
    /// <c>hangfire {Type}.{Method}</c>: the job starts once protection covers it, and the session ends however it ends.
    /// While the task refuses new work for a while (the drain before <c>MaxProtectionDuration</c>, the cool-down after
    /// it, <c>StopTakingWork</c>) a worker that fetches a job hands it back to its queue, not run and with no retry
    /// attempt counted, and takes no job until the task takes work again. A job that cannot be protected otherwise
    /// (shutdown, or protection not confirmed with the Throw behaviour) fails with the refusal and is retried by Hangfire's
    /// automatic retry. Mark a method or class <see cref="DoNotProtectJobAttribute"/> to opt it out. Call
    /// <c>services.AddTaskProtection()</c> as well; use it from <c>services.AddHangfire((services, c) =&gt; …)</c>.
    /// </summary>
    /// <param name="configuration">Hangfire's configuration.</param>
    /// <param name="services">The application's services: the registry and manager <c>AddTaskProtection</c> registered, and logging.</param>
    /// <returns>The same configuration.</returns>
    public static IGlobalConfiguration UseTaskProtection(this IGlobalConfiguration configuration, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(services);
        var admission = new WorkAdmission(
            services.GetService<CriticalSessionRegistry>() ?? CriticalSessionRegistry.Default,
            services.GetService<TaskProtectionManager>());
        ILogger logger = services.GetService<ILogger<TaskProtectionServerFilter>>() ?? (ILogger)NullLogger.Instance;
        return configuration.UseFilter(new TaskProtectionServerFilter(admission, logger));
    }

    /// <summary>
    /// As <see cref="UseTaskProtection(IGlobalConfiguration, IServiceProvider)"/>, for a configuration made without the
    /// application's services, on <see cref="CriticalSessionRegistry.Default"/>. Without the manager the filter cannot
    /// tell when the task takes work again, so every job it cannot protect, also while the task refuses work for a while,
    /// fails with the refusal and is retried by Hangfire's automatic retry.
    /// </summary>
    /// <param name="configuration">Hangfire's configuration, from <c>services.AddHangfire(c =&gt; …)</c> or <c>GlobalConfiguration.Configuration</c>.</param>
    /// <returns>The same configuration.</returns>
    public static IGlobalConfiguration UseTaskProtection(this IGlobalConfiguration configuration) => UseTaskProtection(configuration, static _ => { });

    /// <summary>As <see cref="UseTaskProtection(IGlobalConfiguration)"/>, with options (the registry).</summary>
    /// <param name="configuration">Hangfire's configuration, from <c>services.AddHangfire(c =&gt; …)</c> or <c>GlobalConfiguration.Configuration</c>.</param>
    /// <param name="configure">Changes to the options.</param>
    /// <returns>The same configuration.</returns>
    public static IGlobalConfiguration UseTaskProtection(this IGlobalConfiguration configuration, Action<HangfireTaskProtectionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new HangfireTaskProtectionOptions();
        configure(options);
        return configuration.UseFilter(new TaskProtectionServerFilter(new WorkAdmission(options.Registry, manager: null), NullLogger.Instance));
    }
}
