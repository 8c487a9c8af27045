namespace TaskProtection;

/// <summary>
/// How this process shares the task's protection with the others using the same
/// <see cref="TaskProtectionOptions.CoordinationDirectory"/>, as of <see cref="ObservedAt"/> (the last time this process
/// took the coordination lock).
/// </summary>
public sealed class CoordinationStatus
{
    /// <summary>The coordination directory.</summary>
    public required string Directory { get; init; }

    /// <summary>This process, as the others see it.</summary>
    public required string Participant { get; init; }

    /// <summary>Whether this process holds sessions (from its acquire until its release).</summary>
    public bool IsHolder { get; init; }

    /// <summary>How many other live processes held sessions when last looked at (on a release).</summary>
    public int OtherHolders { get; init; }

    /// <summary>Which process made the last call to ECS.</summary>
    public string? LastCallBy { get; init; }

    /// <summary>When that call started.</summary>
    public DateTimeOffset? LastCallAt { get; init; }

    /// <summary>A lower bound of when the task's protection ends, as the processes know it together.</summary>
    public DateTimeOffset? SharedExpiresAt { get; init; }

    /// <summary>Releases this process did not send because another process still held sessions.</summary>
    public long ReleasesSkipped { get; init; }

    /// <summary>Acquires and renewals this process did not need to send because another process's covered them.</summary>
    public long SharedRenewals { get; init; }

    /// <summary>When these figures were read.</summary>
    public DateTimeOffset? ObservedAt { get; init; }
}
