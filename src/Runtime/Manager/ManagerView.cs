namespace TaskProtection;

/// <summary>
/// What the loop last made visible to other threads: the mode, the status figures and the force-disable mark. Written by
/// the loop's commit only (and once, for a manager that runs without an agent, by the manager); read lock-free.
/// </summary>
internal sealed class ManagerView
{
    private int _mode;
    private long _forceDisabledAtEntered = -1;
    private StatusCore _core = StatusCore.Empty;
    private AdmissionState _capAdmission = AdmissionState.Accepting;

    public ProtectionMode Mode => (ProtectionMode)Volatile.Read(ref _mode);

    /// <summary>The last published figures of the loop.</summary>
    public StatusCore Core => Volatile.Read(ref _core);

    /// <summary>
    /// While ≥ 0, protection is force-disabled for the sessions entered so far (ids up to this); a later session
    /// re-enables it. −1 otherwise.
    /// </summary>
    public long ForceDisabledAtEntered => Volatile.Read(ref _forceDisabledAtEntered);

    /// <summary>Whether the cap refuses new sessions now: its drain, or the cool-down after it (see <see cref="AdmissionRules"/>).</summary>
    public AdmissionState CapAdmission => Volatile.Read(ref _capAdmission);

    /// <summary>Publishes the figures first, then the mode: a reader that sees a mode sees figures at least as new.</summary>
    public void Publish(ProtectionMode mode, StatusCore core, long forceDisabledAtEntered, AdmissionState capAdmission)
    {
        Volatile.Write(ref _core, core);
        Volatile.Write(ref _capAdmission, capAdmission);
        Volatile.Write(ref _forceDisabledAtEntered, forceDisabledAtEntered);
        Interlocked.Exchange(ref _mode, (int)mode);
    }

    /// <summary>For a manager with no loop (no agent): only the mode changes.</summary>
    public void PublishMode(ProtectionMode mode) => Interlocked.Exchange(ref _mode, (int)mode);
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
    long CooldownUntil)
{
    public static StatusCore Empty { get; } = new(0, 0, 0, null, 0, 0, 0, 0, 0);
}
