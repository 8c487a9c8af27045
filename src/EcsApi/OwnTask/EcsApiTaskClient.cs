namespace TaskProtection;

/// <summary>
/// One task's protection through the ECS API, as the manager's <see cref="ITaskProtectionClient"/>: a failure for the
/// task (<c>TASK_NOT_VALID</c>, <c>MISSING</c>…) becomes the same <see cref="TaskProtectionCallException"/> the agent
/// path raises, so the manager behaves the same on both paths.
/// </summary>
internal sealed class EcsApiTaskClient(EcsApiTaskProtectionClient api, string cluster, string taskArn) : ITaskProtectionClient
{
    public string Cluster => cluster;

    public string TaskArn => taskArn;

    public async Task<TaskProtectionState> EnableAsync(int expiresInMinutes, CancellationToken cancellationToken) =>
        Single(await api.UpdateTaskProtectionAsync(cluster, [taskArn], true, expiresInMinutes, cancellationToken).ConfigureAwait(false), expectedEnabled: true);

    public async Task<TaskProtectionState> DisableAsync(CancellationToken cancellationToken) =>
        Single(await api.UpdateTaskProtectionAsync(cluster, [taskArn], false, cancellationToken: cancellationToken).ConfigureAwait(false), expectedEnabled: false);

    public async Task<TaskProtectionState> GetAsync(CancellationToken cancellationToken) =>
        Single(await api.GetTaskProtectionAsync(cluster, [taskArn], cancellationToken).ConfigureAwait(false), expectedEnabled: null);

    private TaskProtectionState Single(EcsTaskProtectionResult result, bool? expectedEnabled)
    {
        if (result.Failures.Count > 0)
        {
            EcsApiFailure failure = result.Failures[0];
            throw ProtectionRefusals.Refused(200, failure.Reason, failure.Detail, requestId: null);
        }

        if (result.ProtectedTasks.Count != 1)
        {
            throw new TaskProtectionCallException(CallFailureKind.MalformedResponse, true, $"ECS answered with {result.ProtectedTasks.Count} tasks and no failure for task {taskArn}.");
        }

        TaskProtectionState state = result.ProtectedTasks[0];
        if (expectedEnabled is { } expected && state.ProtectionEnabled != expected)
        {
            throw new TaskProtectionCallException(CallFailureKind.MalformedResponse, true, $"ECS answered ProtectionEnabled = {state.ProtectionEnabled} to a request for {expected} for task {taskArn}.");
        }

        if (state.ProtectionEnabled && state.ExpirationDate is null)
        {
            throw new TaskProtectionCallException(CallFailureKind.MalformedResponse, true, $"ECS answered that task {taskArn} is protected without saying until when.");
        }

        return state;
    }
}
