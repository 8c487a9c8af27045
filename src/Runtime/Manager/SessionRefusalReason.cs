namespace TaskProtection;

/// <summary>Why the task refuses new critical sessions, if it does.</summary>
public enum SessionRefusalReason
{
    /// <summary>New sessions are accepted.</summary>
    None = 0,

    /// <summary>Shutdown was requested (SIGTERM, StopApplication) and <see cref="TaskProtectionOptions.RefuseSessionsDuringShutdown"/> is on.</summary>
    ShuttingDown,

    /// <summary>Continuous protection is in its last <see cref="TaskProtectionOptions.MaxProtectionDrain"/> before <see cref="TaskProtectionOptions.MaxProtectionDuration"/>.</summary>
    DrainingBeforeCap,

    /// <summary>The cool-down after <see cref="TaskProtectionOptions.MaxProtectionDuration"/>: ECS's window to replace or scale in the task.</summary>
    CoolingDown,

    /// <summary><see cref="TaskProtectionManager.StopTakingWork"/> was called: the task is being replaced (a deployment), say.</summary>
    StoppedTakingWork,
}
