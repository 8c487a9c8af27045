namespace TaskProtection.Fleet.Ecs;

/// <summary>Where a simulated task is in its life.</summary>
public enum TaskState
{
    /// <summary>Launched, starting up: takes no work yet.</summary>
    Pending,

    /// <summary>Takes work.</summary>
    Running,

    /// <summary>SIGTERM received: takes no new work; SIGKILL at stopTimeout unless it exits first.</summary>
    Stopping,

    /// <summary>Gone.</summary>
    Stopped,
}
