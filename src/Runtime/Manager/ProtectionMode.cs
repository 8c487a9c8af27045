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

    /// <summary>
    /// New sessions are refused while the running ones stay protected, and protection is released when the last one ends:
    /// continuous protection is in its last <see cref="TaskProtectionOptions.MaxProtectionDrain"/> (the cool-down follows),
    /// or <see cref="TaskProtectionManager.StopTakingWork"/> was called.
    /// </summary>
    Draining,

    /// <summary>
    /// <see cref="TaskProtectionManager.StopTakingWork"/> was called and the running sessions have ended: protection is
    /// released and new sessions are refused, until <see cref="TaskProtectionManager.ResumeTakingWork"/>.
    /// </summary>
    Retired,
}
