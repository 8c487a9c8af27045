namespace TaskProtection;

/// <summary>What <c>UpdateTaskProtection</c> or <c>GetTaskProtection</c> answered, over every batch of the call.</summary>
public sealed class EcsTaskProtectionResult
{
    /// <summary>The tasks ECS acted on or reported, with their protection.</summary>
    public required IReadOnlyList<TaskProtectionState> ProtectedTasks { get; init; }

    /// <summary>The tasks it could not act on, and why.</summary>
    public required IReadOnlyList<EcsApiFailure> Failures { get; init; }
}
