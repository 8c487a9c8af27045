namespace TaskProtection;

/// <summary>
/// Thrown by <see cref="CriticalSessionRegistry.Enter"/> and <see cref="CriticalSessionRegistry.EnterAsync"/> (and so by
/// every <see cref="CriticalSectionAttribute"/> method) once the task is shutting down and
/// <see cref="TaskProtectionOptions.RefuseSessionsDuringShutdown"/> is on: the work was not started, and should be left for
/// another task (return the message to its queue, for example).
/// </summary>
public sealed class CriticalSessionRefusedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public CriticalSessionRefusedException()
        : base("The task is shutting down: no new critical session is started.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why the session was refused.</param>
    public CriticalSessionRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why the session was refused.</param>
    /// <param name="innerException">The cause, if any.</param>
    public CriticalSessionRefusedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal static CriticalSessionRefusedException For(string sessionName) =>
        new($"Critical session '{sessionName}' was not started: the task is shutting down (SIGTERM or StopApplication) and refuses new sessions so that the drain can finish. Leave this work for another task; set TaskProtection:RefuseSessionsDuringShutdown = false to allow it.");
}
