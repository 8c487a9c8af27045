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
    /// Continuous protection is in its last <see cref="TaskProtectionOptions.MaxProtectionDrain"/>: the running sessions
    /// stay protected, new ones are refused, and protection is released when the last one ends (then the cool-down).
    /// </summary>
    Draining,
}
