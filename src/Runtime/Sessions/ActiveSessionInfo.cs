namespace TaskProtection;

/// <summary>One active session, as seen by <see cref="CriticalSessionRegistry.GetActiveSessions"/>.</summary>
public sealed class ActiveSessionInfo
{
    /// <summary>The session id, unique within its registry.</summary>
    public required long Id { get; init; }

    /// <summary>The session name.</summary>
    public required string Name { get; init; }

    /// <summary>When the session was entered.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>How long it had been active when the snapshot was taken.</summary>
    public required TimeSpan Age { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} #{Id} ({Age})";
}
