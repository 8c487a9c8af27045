namespace TaskProtection;

/// <summary>The manager's state that other threads read: the mode, the published status and the force-disable mark.</summary>
internal sealed class SharedState
{
    private int _mode;
    private long _forceDisabledAtEntered = -1;
    private StatusCore _core = new(0, 0, 0, null, 0, 0, 0, 0, 0);

    public ProtectionMode Mode => (ProtectionMode)Volatile.Read(ref _mode);

    /// <summary>The last published figures of the loop.</summary>
    public StatusCore Core => Volatile.Read(ref _core);

    /// <summary>
    /// While ≥ 0, protection is force-disabled for the sessions entered so far (ids up to this); a later session
    /// re-enables it. −1 otherwise.
    /// </summary>
    public long ForceDisabledAtEntered
    {
        get => Volatile.Read(ref _forceDisabledAtEntered);
        set => Volatile.Write(ref _forceDisabledAtEntered, value);
    }

    public void SetMode(ProtectionMode mode) => Interlocked.Exchange(ref _mode, (int)mode);

    public ProtectionMode ExchangeMode(ProtectionMode mode) => (ProtectionMode)Interlocked.Exchange(ref _mode, (int)mode);

    public void Publish(StatusCore core) => Volatile.Write(ref _core, core);
}

/// <summary>The loop's figures as last published; timestamps in the manager's clock units, 0 when none.</summary>
internal sealed record StatusCore(
    long LeaseExpiry,
    long ProtectedSince,
    int ConsecutiveFailures,
    string? LastError,
    long LastErrorAt,
    long AgentCalls,
    long Lapses,
    long LoopFaults,
    long CooldownUntil);
