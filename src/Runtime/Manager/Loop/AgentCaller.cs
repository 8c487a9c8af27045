using System.Diagnostics;
using System.Globalization;

namespace TaskProtection;

/// <summary>
/// One agent call, bounded by RequestTimeout on the manager's clock even if the client ignores its token, traced and
/// measured (operation, outcome, duration). Every failure comes out as a <see cref="TaskProtectionCallException"/>,
/// or as <see cref="OperationCanceledException"/> when the manager is stopping.
/// </summary>
internal sealed class AgentCaller(ITaskProtectionClient client, TaskProtectionOptions options, ManagerClock clock, TaskProtectionMetrics metrics)
{
    public const string EnableOperation = "enable";
    public const string DisableOperation = "disable";
    private const string SuccessOutcome = "success";
    private const string CancelledOutcome = "cancelled";

    /// <summary>Calls made since start.</summary>
    public long Calls { get; private set; }

    public Task<TaskProtectionState> EnableAsync(int minutes, CancellationToken stopping) =>
        CallAsync(EnableOperation, token => client.EnableAsync(minutes, token), stopping);

    public Task<TaskProtectionState> DisableAsync(CancellationToken stopping) =>
        CallAsync(DisableOperation, client.DisableAsync, stopping);

    /// <summary>A disable that, with coordination, is sent even while other processes hold sessions, and announced to them.</summary>
    public Task<TaskProtectionState> ForceDisableAsync(string reason, CancellationToken stopping) =>
        CallAsync(DisableOperation, token => client is CoordinatedClient coordinated ? coordinated.ForceDisableAsync(reason, token) : client.DisableAsync(token), stopping);

    /// <summary>Another process's force-disable has been handled here.</summary>
    public void AcknowledgeRemoteForceDisable() => (client as CoordinatedClient)?.AcknowledgeRemoteForceDisable();

    private async Task<TaskProtectionState> CallAsync(string operationName, Func<CancellationToken, Task<TaskProtectionState>> operation, CancellationToken stopping)
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

    private async Task<TaskProtectionState> CallBoundedAsync(Func<CancellationToken, Task<TaskProtectionState>> operation, CancellationToken stopping)
    {
        using var timeout = new CancellationTokenSource(options.RequestTimeout, clock.Provider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        Task<TaskProtectionState> call;
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
            // Even an OperationCanceledException: the client threw it without being asked to stop.
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
                string.Create(CultureInfo.InvariantCulture, $"The agent call did not complete within RequestTimeout ({options.RequestTimeout})."),
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
