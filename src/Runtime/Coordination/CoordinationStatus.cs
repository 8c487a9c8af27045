namespace TaskProtection;

/// <summary>
/// How this process shares the task's protection with the others using the same
/// <see cref="TaskProtectionOptions.CoordinationDirectory"/>, as of <see cref="ObservedAt"/> (the last time this process
/// read the shared state).
/// </summary>
public sealed class CoordinationStatus
{
    /// <summary>The coordination directory.</summary>
    public required string Directory { get; init; }

    /// <summary>This process, as the others see it: host name, process id and a random id drawn at start.</summary>
    public required string Participant { get; init; }

    /// <summary>Whether this process holds sessions that need protection (from its acquire until its release).</summary>
    public bool IsHolder { get; init; }

    /// <summary>Whether other live processes held sessions when this one last wanted to release (so it did not); null before.</summary>
    public bool? OthersHold { get; init; }

    /// <summary>Which process made the last call to ECS.</summary>
    public string? LastCallBy { get; init; }

    /// <summary>When that call started.</summary>
    public DateTimeOffset? LastCallAt { get; init; }

    /// <summary>A lower bound of when the task's protection ends, as the processes know it together.</summary>
    public DateTimeOffset? SharedExpiresAt { get; init; }

    /// <summary>When the task's continuous protection began: its cap and drain are the task's, the same for every process.</summary>
    public DateTimeOffset? ProtectedSince { get; init; }

    /// <summary>While the task cools down after its cap: when protection may be acquired again, by any process.</summary>
    public DateTimeOffset? CooldownEndsAt { get; init; }

    /// <summary>Releases this process did not send because another process still held sessions.</summary>
    public long ReleasesSkipped { get; init; }

    /// <summary>Acquires and renewals this process did not need to send because another process's covered them.</summary>
    public long SharedRenewals { get; init; }

    /// <summary>When these figures were read.</summary>
    public DateTimeOffset? ObservedAt { get; init; }
}
