using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TaskProtection;
using TaskProtection.Integrations;
using TaskProtection.Quartz;

namespace Quartz;

/// <summary>Turns TaskProtection on for Quartz.NET jobs.</summary>
public static class TaskProtectionQuartzBuilderExtensions
{
    /// <summary>
    /// Runs every Quartz job (or, with <see cref="QuartzTaskProtectionOptions.OnlyChosenJobs"/>, the chosen ones) inside a
    /// TaskProtection session named <c>quartz {group}.{name}</c>: the job starts once protection covers it, and the
    /// session ends when the job has run, whether it succeeded, threw or was cancelled. A run that cannot be protected
    /// (the task is shutting down, or protection was not confirmed and <see cref="TaskProtection.TaskProtectionOptions.AcquireTimeoutBehavior"/>
    /// is Throw) is vetoed, and runs at its trigger's next fire time, if there is one. While the task refuses new work (the
    /// drain before <c>MaxProtectionDuration</c>, the cool-down after it, <c>StopTakingWork</c>, shutdown) the scheduler is
    /// in standby, so that triggers coming due stay in the job store rather than be fired here, and it starts again when
    /// the task takes work again (never after shutdown began). Call <c>services.AddTaskProtection()</c> as well.
    /// </summary>
    /// <param name="quartz">Quartz.s builder, from <c>services.AddQuartz(q =&gt; …)</c>.</param>
    /// <param name="configure">Which jobs to protect; optional, every job by default.</param>
    /// <returns>The same configurator.</returns>
    public static IQuartzBuilder UseTaskProtection(this IQuartzBuilder quartz, Action<QuartzTaskProtectionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(quartz);
        var options = new QuartzTaskProtectionOptions();
        configure?.Invoke(options);
        quartz.Services.TryAddSingleton(new JobSelection(options));
        quartz.Services.TryAddSingleton<JobSessions>();
        quartz.Services.TryAddSingleton(static services => new WorkAdmission(
            services.GetService<CriticalSessionRegistry>() ?? CriticalSessionRegistry.Default,
            services.GetService<TaskProtectionManager>()));
        quartz.Services.TryAddSingleton(StandbyWhileRefusing.Create);
        quartz.AddTriggerListener<ProtectionTriggerListener>();
        quartz.AddJobListener<ProtectionJobListener>();
        quartz.AddSchedulerListener(static services => services.GetRequiredService<StandbyWhileRefusing>());
        quartz.Services.AddHostedService(static services => services.GetRequiredService<StandbyWhileRefusing>());
        return quartz;
    }
}
