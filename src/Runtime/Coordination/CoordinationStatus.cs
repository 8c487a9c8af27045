namespace TaskProtection;

/// <summary>
/// How this process shares the task's protection with the others using the same
/// <see cref="TaskProtectionOptions.CoordinationDirectory"/>, as of <see cref="ObservedAt"/> (the last time this process
/// took the coordination lock).
/// </summary>
/// <param name="Directory">The coordination directory.</param>
/// <param name="Participant">This process, as the others see it: host name and process id.</param>
/// <param name="IsHolder">Whether this process holds sessions (from its acquire until its release).</param>
/// <param name="OtherHolders">How many other live processes held sessions when last looked at (on a release).</param>
/// <param name="LastCallBy">Which process made the last agent call.</param>
/// <param name="LastCallAt">When that call started.</param>
/// <param name="SharedExpiresAt">A lower bound of when the task's protection ends, as the processes know it together.</param>
/// <param name="ReleasesSkipped">Releases this process did not send because another process still held sessions.</param>
/// <param name="SharedRenewals">Acquires and renewals this process did not need to send because another process's covered them.</param>
/// <param name="ObservedAt">When these figures were read.</param>
public sealed record CoordinationStatus(
    string Directory,
    string Participant,
    bool IsHolder,
    int OtherHolders,
    string? LastCallBy,
    DateTimeOffset? LastCallAt,
    DateTimeOffset? SharedExpiresAt,
    long ReleasesSkipped,
    long SharedRenewals,
    DateTimeOffset? ObservedAt);
