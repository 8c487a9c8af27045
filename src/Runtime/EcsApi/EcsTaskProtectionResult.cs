namespace TaskProtection;

/// <summary>What <c>UpdateTaskProtection</c> or <c>GetTaskProtection</c> answered, over every batch of the call.</summary>
/// <param name="ProtectedTasks">The tasks ECS acted on or reported, with their protection.</param>
/// <param name="Failures">The tasks it could not act on, and why.</param>
public sealed record EcsTaskProtectionResult(IReadOnlyList<TaskProtectionState> ProtectedTasks, IReadOnlyList<EcsApiFailure> Failures);
