using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Quartz;
using TaskProtection.Integrations;

namespace TaskProtection.Quartz;

/// <summary>
/// Opens each protected run's session before the job starts: Quartz asks trigger listeners whether to veto a run
/// before job listeners hear of it, and awaits the answer, so the job starts only once protection covers it (or as
/// <see cref="TaskProtectionOptions.AcquireTimeoutBehavior"/> says). A run fired while the task refuses new work for a
/// while (fired just before <see cref="StandbyWhileRefusing"/> stood the scheduler by) waits, not started, until it takes
/// work again: a veto would lose a one-shot trigger. A session that cannot be had otherwise (the task is shutting down,
/// or protection could not be confirmed and the behaviour is Throw) vetoes the run: Quartz then records it as vetoed,
/// and the job runs at the trigger's next fire time, if it has one.
/// </summary>
internal sealed class ProtectionTriggerListener(IServiceProvider services, JobSelection selection, JobSessions sessions) : ITriggerListener
{
    private readonly WorkAdmission _admission = services.GetRequiredService<WorkAdmission>();
    private readonly ILogger _logger = services.GetService<ILogger<ProtectionTriggerListener>>() ?? (ILogger)NullLogger.Instance;

    public string Name => "TaskProtection";

    public async ValueTask<bool> VetoJobExecution(ITrigger trigger, IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        if (!selection.Protects(context.JobDetail))
        {
            return false;
        }

        string name = JobSelection.SessionName(context.JobDetail);
        try
        {
            CriticalSession session = await _admission.EnterWaitingOutPausesAsync(
                name, refusal => Log.Waiting(_logger, context.JobDetail.Key.ToString(), refusal.Message), cancellationToken).ConfigureAwait(false);
            sessions.Add(context, session);
            return false;
        }
        catch (Exception ex) when (ex is CriticalSessionRefusedException or TaskProtectionException or OperationCanceledException)
        {
            // An exception here would leave the trigger neither run nor completed; a veto completes it.
            Log.Vetoed(_logger, context.JobDetail.Key.ToString(), ex.Message);
            return true;
        }
    }

    /// <summary>A backstop: the job listener ends the session, unless another job listener's failure kept it from being called.</summary>
    public ValueTask TriggerComplete(ITrigger trigger, IJobExecutionContext context, SchedulerInstruction triggerInstructionCode, CancellationToken cancellationToken = default)
    {
        sessions.End(context);
        return default;
    }
}
