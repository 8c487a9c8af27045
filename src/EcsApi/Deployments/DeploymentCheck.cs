namespace TaskProtection;

/// <summary>
/// One check: is this task's service replacing it? Finds the task (the task metadata endpoint, once), the deployment
/// that started it (<c>DescribeTasks</c>, once: it never changes) and then, every time, the service's deployments
/// (<c>DescribeServices</c>), and decides with <see cref="ReplacementRules"/>. Failures are the client's
/// <see cref="TaskProtectionCallException"/>s; whoever runs the check decides what they mean.
/// </summary>
internal sealed class DeploymentCheck(Func<CancellationToken, Task<OwnService?>> findTask, Func<OwnService, EcsApiTaskProtectionClient> clientFor)
{
    private OwnService? _task;
    private EcsApiTaskProtectionClient? _client;
    private TaskDeployment? _deployment;

    /// <summary>Finds the task once; null when it belongs to no service (a standalone task).</summary>
    public async Task<OwnService?> FindTaskAsync(CancellationToken cancellationToken)
    {
        if (_task is null && await findTask(cancellationToken) is { } found)
        {
            _client = clientFor(found);
            _task = found;
        }

        return _task;
    }

    /// <summary>Asks ECS and decides. Throws <see cref="TaskProtectionCallException"/> when a call fails.</summary>
    public async Task<DeploymentVerdict> RunAsync(CancellationToken cancellationToken)
    {
        if (await FindTaskAsync(cancellationToken) is not { } task)
        {
            return new(VerdictKind.Undecidable, "the task metadata names no service: this task was not started by a service, which is all a deployment replaces");
        }

        if (_deployment is null)
        {
            DescribeTasksResponse described = await _client!.DescribeTasksAsync(task.Cluster, [task.TaskArn], cancellationToken);
            if (described.Tasks?.FirstOrDefault(t => t.TaskArn == task.TaskArn) is not { } shape)
            {
                return new(VerdictKind.Undecidable, $"ECS does not know this task ({task.TaskArn}) in the cluster {task.Cluster}: {FirstReason(described.Failures)}");
            }

            _deployment = TaskDeployment.From(shape);
        }

        DescribeServicesResponse services = await _client!.DescribeServicesAsync(task.Cluster, [task.ServiceName], cancellationToken);
        if (services.Services?.FirstOrDefault(s => s.ServiceName == task.ServiceName) is not { } service)
        {
            return new(VerdictKind.Undecidable, $"ECS does not know the service {task.ServiceName} in the cluster {task.Cluster}: {FirstReason(services.Failures)}");
        }

        return ReplacementRules.Decide(task.ServiceName, _deployment, [.. (service.Deployments ?? []).Select(DeploymentInfo.From)]);
    }

    private static string FirstReason(IReadOnlyList<FailureShape>? failures) => failures is [{ Reason: { } reason }, ..] ? reason : "no answer for it";
}
