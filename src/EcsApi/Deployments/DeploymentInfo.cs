namespace TaskProtection;

/// <summary>One deployment of a service, as <c>DescribeServices</c> lists it (PRIMARY and ACTIVE ones; INACTIVE ones are gone).</summary>
/// <param name="Id">The deployment's id, <c>ecs-svc/…</c>: what <c>DescribeTasks</c> gives as a task's <c>startedBy</c>.</param>
/// <param name="Status"><c>PRIMARY</c> (the most recent), or <c>ACTIVE</c> (still has tasks, being replaced by the PRIMARY one).</param>
/// <param name="TaskDefinition">The task definition's ARN.</param>
/// <param name="RunningCount">Its tasks in RUNNING; null when ECS did not say.</param>
/// <param name="CreatedAt">When the deployment was created.</param>
/// <param name="RolloutState"><c>IN_PROGRESS</c>, <c>COMPLETED</c> or <c>FAILED</c> (the circuit breaker tripped); null when ECS did not say.</param>
internal sealed record DeploymentInfo(string Id, string Status, string? TaskDefinition, int? RunningCount, DateTimeOffset? CreatedAt, string? RolloutState)
{
    public const string Primary = "PRIMARY";

    /// <summary>The task definition as people name it, <c>family:revision</c>, or the ARN when it is not one.</summary>
    public string ShortTaskDefinition => TaskDefinition is { } arn && arn.LastIndexOf('/') is var slash and >= 0 ? arn[(slash + 1)..] : TaskDefinition ?? "unknown task definition";

    internal static DeploymentInfo From(DeploymentShape shape) => new(
        shape.Id ?? string.Empty,
        shape.Status ?? string.Empty,
        shape.TaskDefinition,
        shape.RunningCount,
        shape.CreatedAt is { } seconds ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000)) : null,
        shape.RolloutState);
}
