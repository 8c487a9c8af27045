using Hangfire;
using Hangfire.Common;
using Hangfire.Server;
using Hangfire.States;
using Microsoft.Extensions.Logging;
using TaskProtection.Integrations;

namespace TaskProtection.Hangfire;

/// <summary>
/// Opens a session before each job is performed and ends it afterwards, whatever the outcome (success, exception,
/// cancellation, or a filter inside this one that cancels). Hangfire's server filters are synchronous, so the wait for
/// protection blocks the worker: that is one of Hangfire's own dedicated worker threads, not a thread-pool thread, and
/// the wait completes from the manager's side, so nothing it needs runs on the blocked thread.
/// </summary>
/// <remarks>
/// Hangfire has no way to pause a server's workers, and a worker gets control only once it has fetched a job. So while
/// the task refuses new work for a while (the drain before the cap, the cool-down, StopTakingWork), a job fetched is
/// handed back to its queue at once (Enqueued again, no retry attempt counted, as the dashboard's Requeue does) and the
/// worker then waits, fetching nothing, until the task takes work again: each worker hands back at most one job per
/// pause, and the others stay queued for other servers. A job that cannot be protected otherwise (shutdown, or protection
/// not confirmed with the Throw behaviour; or any refusal without the manager) fails with the refusal rather than run
/// unprotected; Hangfire's automatic retry schedules it again. Cancelling it instead would make Hangfire record it as
/// done, and lose it.
/// </remarks>
internal sealed class TaskProtectionServerFilter(WorkAdmission admission, ILogger logger) : IServerFilter
{
    private const string SessionItem = "TaskProtection.Session";

    public void OnPerforming(PerformingContext context)
    {
        Job job = context.BackgroundJob.Job;
        if (job.Method.IsDefined(typeof(DoNotProtectJobAttribute), inherit: true) || job.Type.IsDefined(typeof(DoNotProtectJobAttribute), inherit: true))
        {
            return;
        }

        context.Items[SessionItem] = Enter(context, SessionName(job));
    }

    public void OnPerformed(PerformedContext context)
    {
        if (context.Items.Remove(SessionItem, out object? session))
        {
            ((CriticalSession)session!).Dispose();
        }
    }

    /// <summary>The session's name in status, logs and metrics: which job is running.</summary>
    public static string SessionName(Job job) => $"hangfire {job.Type.Name}.{job.Method.Name}";

    private CriticalSession Enter(PerformingContext context, string name)
    {
        try
        {
            ValueTask<CriticalSession> entering = admission.Registry.EnterAsync(name, context.CancellationToken.ShutdownToken);
            return entering.IsCompletedSuccessfully ? entering.Result : entering.AsTask().GetAwaiter().GetResult();
        }
        catch (CriticalSessionRefusedException refusal) when (admission.CanWaitOut(refusal))
        {
            HandBack(context, refusal);

            // Not the job's token: handing the job back aborts it. The wait completes from the thread pool.
            admission.WaitUntilAcceptingAsync(CancellationToken.None).GetAwaiter().GetResult();

            // The job is no longer this worker's: Hangfire leaves its state alone and the worker fetches again.
            throw new JobAbortedException();
        }
    }

    private void HandBack(PerformingContext context, CriticalSessionRefusedException refusal)
    {
        string id = context.BackgroundJob.Id;
        var enqueued = new EnqueuedState { Reason = $"Handed back by TaskProtection: the task takes no new work ({refusal.Reason})" };
        if (new BackgroundJobClient(context.Storage).ChangeState(id, enqueued, ProcessingState.StateName))
        {
            Log.HandedBack(logger, id, SessionName(context.BackgroundJob.Job), refusal.Message);
        }
        else
        {
            Log.LeftAlone(logger, id, SessionName(context.BackgroundJob.Job), refusal.Message);
        }
    }
}
