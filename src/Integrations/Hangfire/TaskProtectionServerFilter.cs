using Hangfire.Common;
using Hangfire.Server;

namespace TaskProtection.Hangfire;

/// <summary>
/// Opens a session before each job is performed and ends it afterwards, whatever the outcome (success, exception,
/// cancellation, or a filter inside this one that cancels). Hangfire's server filters are synchronous, so the wait for
/// protection blocks the worker: that is one of Hangfire's own dedicated worker threads, not a thread-pool thread, and
/// the wait completes from the manager's side, so nothing it needs runs on the blocked thread.
/// </summary>
/// <remarks>
/// A job that cannot be protected (the task is shutting down, or protection was not confirmed and the behaviour is
/// Throw) fails with the refusal rather than run unprotected; Hangfire's automatic retry schedules it again, on this
/// task or another. Cancelling it instead would make Hangfire record it as succeeded, and lose it.
/// </remarks>
internal sealed class TaskProtectionServerFilter(HangfireTaskProtectionOptions options) : IServerFilter
{
    private const string SessionItem = "TaskProtection.Session";

    public void OnPerforming(PerformingContext context)
    {
        Job job = context.BackgroundJob.Job;
        if (job.Method.IsDefined(typeof(DoNotProtectJobAttribute), inherit: true) || job.Type.IsDefined(typeof(DoNotProtectJobAttribute), inherit: true))
        {
            return;
        }

        ValueTask<CriticalSession> entering = options.Registry.EnterAsync(SessionName(job), context.CancellationToken.ShutdownToken);
        context.Items[SessionItem] = entering.IsCompletedSuccessfully ? entering.Result : entering.AsTask().GetAwaiter().GetResult();
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
}
