using System.Diagnostics;

namespace TaskProtection;

/// <summary>
/// Every call of the loop, whatever the backend: bounded by RequestTimeout on the manager's clock even if the backend
/// ignores its token (time waiting for the task's other processes counts), traced and measured (operation, outcome,
/// duration). Every failure comes out as a <see cref="TaskProtectionCallException"/>, or as
/// <see cref="OperationCanceledException"/> when the manager is stopping.
/// </summary>
/// <remarks>Awaited on the loop's scheduler, so its awaits omit ConfigureAwait.</remarks>
/// <param name="inner">The backend bounded.</param>
/// <param name="requestTimeout">RequestTimeout: every call's bound.</param>
/// <param name="announceWithin">How long a force-disable waits for the task's other processes to tell their sessions.</param>
/// <param name="clock">The manager's clock.</param>
/// <param name="metrics">Where calls are counted.</param>
internal sealed class BoundedBackend(IProtectionBackend inner, TimeSpan requestTimeout, TimeSpan announceWithin, ManagerClock clock, TaskProtectionMetrics metrics)
{
    public const string EnableOperation = "enable";
    public const string DisableOperation = "disable";
    private const string SuccessOutcome = "success";
    private const string CancelledOutcome = "cancelled";

    public string Description => inner.Description;

    /// <summary>Calls made since start.</summary>
    public long Calls { get; private set; }

    public Task<EnableConfirmation> EnableAsync(int minutes, CancellationToken stopping) =>
        CallAsync(EnableOperation, token => inner.EnableAsync(minutes, token), stopping);

    public Task DisableAsync(CancellationToken stopping) =>
        CallAsync(DisableOperation, async token => { await inner.DisableAsync(token); return true; }, stopping);

    /// <summary>
    /// Tells the task's other processes of a force-disable and waits, at most the announcement bound, until they
    /// have told their sessions. A force-disable is an emergency: it goes out anyway after that, so this never fails.
    /// </summary>
    /// <returns>Null when every other process took notice in time, else why it goes out regardless.</returns>
    public async Task<string?> AnnounceForceDisableAsync(string reason, CancellationToken stopping)
    {
        try
        {
            await inner.AnnounceForceDisableAsync(reason, stopping).WaitAsync(announceWithin, clock.Provider, stopping);
            return null;
        }
        catch (TimeoutException)
        {
            return $"another process of the task still held sessions after {DurationText.Format(announceWithin)} (its loop may be stalled)";
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            return ex.Message;
        }
    }

    public Task ForceDisableAsync(string reason, CancellationToken stopping) =>
        CallAsync(DisableOperation, async token => { await inner.ForceDisableAsync(reason, token); return true; }, stopping);

    public RemoteForceDisable? TakeRemoteForceDisable() => inner.TakeRemoteForceDisable();

    public void NoLongerNeeded() => inner.NoLongerNeeded();

    private async Task<T> CallAsync<T>(string operationName, Func<CancellationToken, Task<T>> operation, CancellationToken stopping)
    {
        Calls++;
        long started = clock.Now;
        using Activity? activity = TaskProtectionDiagnostics.ActivitySource.StartActivity(TaskProtectionDiagnostics.AgentCallActivityName, ActivityKind.Client);
        activity?.SetTag(TaskProtectionDiagnostics.OperationTag, operationName);
        string outcome = SuccessOutcome;
        try
        {
            return await CallBoundedAsync(operation, stopping);
        }
        catch (TaskProtectionCallException ex)
        {
            outcome = Outcome(ex.Kind);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        catch (OperationCanceledException)
        {
            outcome = CancelledOutcome;
            throw;
        }
        finally
        {
            activity?.SetTag(TaskProtectionDiagnostics.OutcomeTag, outcome);
            metrics.AgentCall(operationName, outcome, clock.ToSpan(clock.Now - started));
        }
    }

    private async Task<T> CallBoundedAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken stopping)
    {
        using var timeout = new CancellationTokenSource(requestTimeout, clock.Provider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        Task<T> call;
        try
        {
            call = operation(linked.Token);
        }
        catch (TaskProtectionCallException)
        {
            throw;
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            // Even an OperationCanceledException: the backend threw it without being asked to stop.
            throw Unexpected(ex);
        }

        try
        {
            return await call.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException ex) when (!stopping.IsCancellationRequested && !timeout.IsCancellationRequested)
        {
            throw Unexpected(ex);
        }
        catch (OperationCanceledException ex) when (!stopping.IsCancellationRequested)
        {
            _ = call.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw new TaskProtectionCallException(
                CallFailureKind.Timeout,
                isRetryable: true,
                $"The call did not complete within RequestTimeout ({DurationText.Format(requestTimeout)}).",
                innerException: ex);
        }
        catch (Exception ex) when (ex is not TaskProtectionCallException and not OperationCanceledException)
        {
            throw Unexpected(ex);
        }
    }

    private static TaskProtectionCallException Unexpected(Exception ex) =>
        new(CallFailureKind.Transport, isRetryable: true, $"The task-protection client failed unexpectedly: {ex.Message}", innerException: ex);

    private static string Outcome(CallFailureKind kind) => kind switch
    {
        CallFailureKind.Failure => "failure",
        CallFailureKind.Error => "error",
        CallFailureKind.Throttled => "throttled",
        CallFailureKind.Timeout => "timeout",
        CallFailureKind.Transport => "transport",
        CallFailureKind.MalformedResponse => "malformed_response",
        _ => "unknown",
    };
}
