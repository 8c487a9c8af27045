namespace TaskProtection;

/// <summary>How a drain ended: every session finished, or the bound passed with some still running.</summary>
public sealed class DrainResult
{
    /// <summary>True when no session was active at the end.</summary>
    public required bool Drained { get; init; }

    /// <summary>How long the drain waited.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>The sessions still running when the drain gave up (empty when drained).</summary>
    public required IReadOnlyList<ActiveSessionInfo> Abandoned { get; init; }
}
