namespace TaskProtection;

/// <summary>Why protection was lost.</summary>
public enum ProtectionLossReason
{
    /// <summary>The agent or ECS refused protection with a failure that retrying cannot fix (<c>TASK_NOT_VALID</c>, <c>DEPLOYMENT_BLOCKED</c>, access denied…).</summary>
    Refused,

    /// <summary>The lease ran out while sessions were active: renewals kept failing past the buffer.</summary>
    Lapsed,

    /// <summary>
    /// Continuous protection reaches <see cref="TaskProtectionOptions.MaxProtectionDuration"/>: renewals stop and the last
    /// lease runs out (raised when that is decided, a ProtectionBuffer before the end), or a session went ahead while
    /// capped. Protection may be acquired again after <see cref="TaskProtectionOptions.MaxProtectionCooldown"/>.
    /// </summary>
    MaxDurationReached,

    /// <summary>The manager's loop stopped on an unexpected error: nothing renews protection any more.</summary>
    ManagerFaulted,

    /// <summary>
    /// The manager was stopped (the host shut down, and the drain gave up on these sessions) and released protection
    /// while sessions still ran.
    /// </summary>
    Stopped,

    /// <summary>
    /// Protection could not be confirmed within <see cref="TaskProtectionOptions.AcquireTimeout"/> and a session went ahead
    /// without it (<see cref="AcquireTimeoutBehavior.Proceed"/>), or synchronous sessions ran that long unconfirmed.
    /// </summary>
    NotConfirmed,

    /// <summary><see cref="TaskProtectionManager.ForceDisableProtectionAsync"/> disabled protection while sessions ran.</summary>
    ForceDisabled,
}
