using System.Globalization;

namespace TaskProtection;

/// <summary>
/// Decides from a service's deployments whether ECS is replacing a task. ECS calls PRIMARY "the most recent deployment"
/// and ACTIVE "a deployment that still has running tasks, but is being replaced with a new PRIMARY deployment": a task
/// belongs to the deployment that started it (its <c>startedBy</c>), so it is being replaced exactly when another
/// deployment is PRIMARY. Matching by deployment id, not task definition, makes a forced new deployment of the same task
/// definition a replacement too, and a rollback (the task's deployment PRIMARY again) not one. Two cases keep the task
/// working although another deployment is PRIMARY, because ECS cannot replace it yet and stopping would leave the
/// service without workers: the new deployment has no running task, or its rollout FAILED (the circuit breaker stops
/// it launching any).
/// </summary>
internal static class ReplacementRules
{
    public static DeploymentVerdict Decide(string serviceName, TaskDeployment task, IReadOnlyList<DeploymentInfo> deployments)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(deployments);
        DeploymentInfo? primary = deployments.FirstOrDefault(static d => d.Status == DeploymentInfo.Primary);
        if (primary is null)
        {
            return new(VerdictKind.Undecidable, $"the service {serviceName} lists no PRIMARY deployment (its deployment controller is CODE_DEPLOY or EXTERNAL, whose task sets are not read)");
        }

        bool? ours = task.DeploymentId is { } id ? id == primary.Id
            : task.TaskDefinitionArn is { } definition ? definition == primary.TaskDefinition
            : null;
        if (ours is null)
        {
            return new(VerdictKind.Undecidable, $"ECS did not say which deployment of the service {serviceName} started this task", primary);
        }

        if (ours.Value)
        {
            return new(VerdictKind.Keep, task.DeploymentId is null
                ? $"the service {serviceName}'s PRIMARY deployment {primary.Id} runs this task's task definition ({primary.ShortTaskDefinition})"
                : $"this task's deployment {primary.Id} ({primary.ShortTaskDefinition}) of the service {serviceName} is PRIMARY", primary);
        }

        if (primary.RolloutState == "FAILED")
        {
            return new(VerdictKind.Keep, $"the service {serviceName}'s deployment {primary.Id} failed (the circuit breaker tripped) and launches no task, so this one keeps working", primary);
        }

        if (primary.RunningCount == 0)
        {
            return new(VerdictKind.Keep, $"the service {serviceName}'s deployment {primary.Id} has no running task yet, so this one keeps working until one runs", primary);
        }

        string since = primary.CreatedAt is { } created ? " since " + created.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : string.Empty;
        return new(VerdictKind.Replaced, $"the service {serviceName} is replacing this task: deployment {primary.Id} ({primary.ShortTaskDefinition}) is PRIMARY{since}", primary);
    }
}
