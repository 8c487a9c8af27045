namespace TaskProtection;

/// <summary>A task's protection as ECS reported it (the agent's <c>protection</c> object, or one of the ECS API's <c>protectedTasks</c>).</summary>
public sealed class TaskProtectionState
{
    /// <summary>Whether the task is protected.</summary>
    public required bool ProtectionEnabled { get; init; }

    /// <summary>When ECS clears the protection; null when not protected, or when the answer did not say.</summary>
    public DateTimeOffset? ExpirationDate { get; init; }

    /// <summary>The task's ARN, when the answer carried it.</summary>
    public string? TaskArn { get; init; }
}
