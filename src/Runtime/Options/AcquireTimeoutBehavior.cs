namespace TaskProtection;

/// <summary>What <see cref="CriticalSessionRegistry.EnterAsync"/> does when protection cannot be confirmed in time.</summary>
public enum AcquireTimeoutBehavior
{
    /// <summary>Log a warning and let the session start unprotected: work goes on, but a scale-in may stop it.</summary>
    Proceed = 0,

    /// <summary>End the session and throw <see cref="TaskProtectionException"/>: no work starts unprotected.</summary>
    Throw = 1,
}
