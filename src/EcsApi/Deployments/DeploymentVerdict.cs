namespace TaskProtection;

/// <summary>What the service's deployments say about this task: keep taking work, stop (it is being replaced), or cannot tell.</summary>
internal enum VerdictKind
{
    /// <summary>The task's deployment is PRIMARY (steady state, a scale-out, a rollback), or the new one cannot take over yet.</summary>
    Keep,

    /// <summary>Another deployment is PRIMARY and runs tasks: ECS replaces this one as soon as it is unprotected.</summary>
    Replaced,

    /// <summary>The deployments cannot say (no PRIMARY deployment, a task ECS does not know): the check is of no use here.</summary>
    Undecidable,
}

/// <summary>The decision, why (a sentence for the log and <see cref="TaskProtectionManager.StopTakingWork"/>), and the PRIMARY deployment.</summary>
internal sealed record DeploymentVerdict(VerdictKind Kind, string Why, DeploymentInfo? Primary = null);
