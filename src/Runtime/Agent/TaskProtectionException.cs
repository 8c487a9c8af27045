namespace TaskProtection;

/// <summary>
/// Thrown by <see cref="CriticalSessionRegistry.EnterAsync"/> when <see cref="TaskProtectionOptions.AcquireTimeoutBehavior"/>
/// is <see cref="AcquireTimeoutBehavior.Throw"/> and protection could not be confirmed: the session was ended and no work should start.
/// </summary>
public sealed class TaskProtectionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TaskProtectionException()
        : base("Task protection could not be confirmed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why protection could not be confirmed.</param>
    public TaskProtectionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why protection could not be confirmed.</param>
    /// <param name="innerException">The agent failure behind it, if any.</param>
    public TaskProtectionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
