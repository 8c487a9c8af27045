namespace TaskProtection;

/// <summary>
/// Which deployment a task belongs to, from <c>DescribeTasks</c>: the deployment that started it (<c>startedBy</c>,
/// <c>ecs-svc/…</c> for a task a service started) and its task definition. Neither changes during the task's life.
/// </summary>
/// <param name="DeploymentId">The deployment's id; null when <c>startedBy</c> is not a service deployment's.</param>
/// <param name="TaskDefinitionArn">The task definition's ARN; null when ECS did not say.</param>
internal sealed record TaskDeployment(string? DeploymentId, string? TaskDefinitionArn)
{
    /// <summary>The prefix of a service deployment's id.</summary>
    public const string DeploymentIdPrefix = "ecs-svc/";

    internal static TaskDeployment From(TaskShape shape) => new(
        shape.StartedBy is { } startedBy && startedBy.StartsWith(DeploymentIdPrefix, StringComparison.Ordinal) ? startedBy : null,
        shape.TaskDefinitionArn);
}
