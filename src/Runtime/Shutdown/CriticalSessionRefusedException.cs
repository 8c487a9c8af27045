namespace TaskProtection;

/// <summary>
/// Thrown by <see cref="CriticalSessionRegistry.Enter"/> and <see cref="CriticalSessionRegistry.EnterAsync"/> (and so by
/// every <see cref="CriticalSectionAttribute"/> method) when the task refuses new work: it is shutting down (with
/// <see cref="TaskProtectionOptions.RefuseSessionsDuringShutdown"/> on), draining before its cap or cooling down after it,
/// or was told to stop taking work (<see cref="Reason"/> says which). The work was not started, and should be left for
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

    private CriticalSessionRefusedException(string sessionName, AdmissionState state)
        : base($"Critical session '{sessionName}' was not started: {state.Why}.")
    {
        Reason = state.RefusalReason;
    }

    /// <summary>Why the task refused it: shutting down, draining before the cap, cooling down, or not taking work.</summary>
    public SessionRefusalReason Reason { get; } = SessionRefusalReason.ShuttingDown;

    /// <summary>The refusal of <paramref name="sessionName"/> for <paramref name="state"/>.</summary>
    internal static CriticalSessionRefusedException For(string sessionName, AdmissionState state) => new(sessionName, state);

    internal static CriticalSessionRefusedException For(string sessionName) =>
        new($"Critical session '{sessionName}' was not started: {AdmissionRules.ShuttingDownWhy}.");
}
