namespace TaskProtection;

/// <summary>Where the protection state machine stands.</summary>
public enum ProtectionMode
{
    /// <summary>Not started yet, or stopped.</summary>
    Stopped = 0,

    /// <summary>No agent address (<c>ECS_AGENT_URI</c> unset): sessions are tracked, nothing is called.</summary>
    Unavailable,

    /// <summary>No session is active and the task is not protected.</summary>
    Idle,

    /// <summary>Sessions are active and the first enable call has not succeeded yet.</summary>
    Acquiring,

    /// <summary>A confirmed lease covers the active sessions; renewals are scheduled.</summary>
    Protected,

    /// <summary>The last session ended; protection is being released.</summary>
    Releasing,

    /// <summary>ECS refused protection (non-retryable) or the lease lapsed while sessions were active.</summary>
    Lost,

    /// <summary>
    /// Continuous protection reached <see cref="TaskProtectionOptions.MaxProtectionDuration"/>: no renewal until the last
    /// lease has ended (or was released) and <see cref="TaskProtectionOptions.MaxProtectionCooldown"/> has passed.
    /// </summary>
    Capped,

    /// <summary>Protection was disabled by <see cref="TaskProtectionManager.ForceDisableProtectionAsync"/>; renewals wait for a new session.</summary>
    ForceDisabled,

    /// <summary>
    /// The manager's loop stopped on an unexpected error (after surviving what it could): protection is no longer renewed
    /// and runs out. A bug to report; restart the process.
    /// </summary>
    Faulted,
}

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

/// <summary>Details of a loss of protection.</summary>
public sealed class ProtectionLostEventArgs : EventArgs
{
    internal ProtectionLostEventArgs(ProtectionLossReason reason, Exception? error, IReadOnlyList<ActiveSessionInfo> sessions)
    {
        Reason = reason;
        Error = error;
        ActiveSessions = sessions;
    }

    /// <summary>Why protection was lost.</summary>
    public ProtectionLossReason Reason { get; }

    /// <summary>The agent failure behind it, if any.</summary>
    public Exception? Error { get; }

    /// <summary>The sessions that were active and are now unprotected.</summary>
    public IReadOnlyList<ActiveSessionInfo> ActiveSessions { get; }
}
