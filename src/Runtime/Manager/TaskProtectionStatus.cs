namespace TaskProtection;

/// <summary>A snapshot of the protection state, with everything a status page needs.</summary>
public sealed class TaskProtectionStatus
{
    /// <summary>Where the state machine stands.</summary>
    public required ProtectionMode Mode { get; init; }

    /// <summary>Whether an agent address is configured (false in unavailable mode).</summary>
    public required bool AgentAvailable { get; init; }

    /// <summary>Why the manager runs without an agent, in unavailable mode.</summary>
    public string? UnavailableReason { get; init; }

    /// <summary>How many sessions are active.</summary>
    public required int ActiveSessionCount { get; init; }

    /// <summary>The active sessions: id, name, start, age.</summary>
    public required IReadOnlyList<ActiveSessionInfo> ActiveSessions { get; init; }

    /// <summary>Whether a confirmed lease holds now.</summary>
    public required bool ProtectionEnabled { get; init; }

    /// <summary>Conservative expiry of the confirmed lease (measured from before the request was sent).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Time left on the confirmed lease.</summary>
    public TimeSpan? TimeUntilExpiry { get; init; }

    /// <summary>When the current continuous protection began.</summary>
    public DateTimeOffset? ProtectedSince { get; init; }

    /// <summary>The reference design's margin, <c>ProtectionBuffer − CheckInterval</c>.</summary>
    public required TimeSpan GapSafetyMargin { get; init; }

    /// <summary>How many consecutive failed renewal calls the configuration survives without a gap.</summary>
    public required int ToleratedConsecutiveFailures { get; init; }

    /// <summary>Failed calls since the last success (retrying while &gt; 0).</summary>
    public required int ConsecutiveFailures { get; init; }

    /// <summary>The last agent error, if any since the last success.</summary>
    public string? LastError { get; init; }

    /// <summary>When <see cref="LastError"/> happened.</summary>
    public DateTimeOffset? LastErrorAt { get; init; }

    /// <summary>Agent calls made since start.</summary>
    public required long AgentCalls { get; init; }

    /// <summary>Leases that ran out while sessions were active (must stay 0).</summary>
    public required long Lapses { get; init; }

    /// <summary>
    /// While <see cref="ProtectionMode.Capped"/>: when protection may be acquired again (the last lease's end, or its release
    /// if sooner, plus <see cref="TaskProtectionOptions.MaxProtectionCooldown"/>). Null otherwise.
    /// </summary>
    public DateTimeOffset? CooldownEndsAt { get; init; }

    /// <summary>Unexpected errors the manager's loop survived (should stay 0; each is logged with event 1070).</summary>
    public long LoopFaults { get; init; }

    /// <summary>Whether shutdown has been requested (new sessions may be refused; the drain is under way).</summary>
    public bool IsShutdownRequested { get; init; }

    /// <summary>Sessions still running when a shutdown drain gave up.</summary>
    public long AbandonedSessions { get; init; }

    /// <summary>Whether new sessions are accepted now, and if not, why (see <see cref="TaskProtectionManager.Admission"/>).</summary>
    public AdmissionState Admission { get; init; } = AdmissionState.Accepting;

    /// <summary>How this process shares protection with the task's other processes; null without <see cref="TaskProtectionOptions.CoordinationDirectory"/>.</summary>
    public CoordinationStatus? Coordination { get; init; }
}
