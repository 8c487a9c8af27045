namespace TaskProtection;

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
