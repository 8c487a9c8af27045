namespace TaskProtection;

/// <summary>The agent's <c>protection</c> object.</summary>
/// <param name="ProtectionEnabled">Whether the task is protected.</param>
/// <param name="ExpirationDate">When ECS clears the protection; null when not protected.</param>
/// <param name="TaskArn">The task's ARN, when the agent reports it.</param>
public sealed record TaskProtectionState(bool ProtectionEnabled, DateTimeOffset? ExpirationDate, string? TaskArn);
