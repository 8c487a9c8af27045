namespace TaskProtection;

/// <summary>Turns the loop's last published figures into a <see cref="TaskProtectionStatus"/>, in wall-clock time.</summary>
internal static class StatusSnapshot
{
    public static TaskProtectionStatus Create(
        ManagerView view,
        ManagerClock clock,
        CriticalSessionRegistry registry,
        TaskProtectionOptions options,
        string? unavailableReason,
        long abandonedSessions,
        CoordinationStatus? coordination,
        AdmissionState admission)
    {
        // The mode first: the view publishes figures before the mode, so these are at least as new as it.
        ProtectionMode mode = view.Mode;
        StatusCore core = view.Core;
        long now = clock.Now;
        DateTimeOffset utcNow = clock.UtcNow;
        IReadOnlyList<ActiveSessionInfo> sessions = registry.GetActiveSessions();
        bool enabled = core.LeaseExpiry != 0 && core.LeaseExpiry > now;
        return new TaskProtectionStatus
        {
            Mode = mode,
            AgentAvailable = unavailableReason is null,
            UnavailableReason = unavailableReason,
            ActiveSessionCount = sessions.Count,
            ActiveSessions = sessions,
            ProtectionEnabled = enabled,
            ExpiresAt = enabled ? clock.ToUtc(core.LeaseExpiry, now, utcNow) : null,
            TimeUntilExpiry = enabled ? clock.ToSpan(core.LeaseExpiry - now) : null,
            ProtectedSince = enabled ? clock.ToUtc(core.ProtectedSince, now, utcNow) : null,
            GapSafetyMargin = options.GapSafetyMargin,
            ToleratedConsecutiveFailures = options.ToleratedConsecutiveFailures,
            ConsecutiveFailures = core.ConsecutiveFailures,
            LastError = core.LastError,
            LastErrorAt = core.LastError is null ? null : clock.ToUtc(core.LastErrorAt, now, utcNow),
            AgentCalls = core.AgentCalls,
            Lapses = core.Lapses,
            LoopFaults = core.LoopFaults,
            CooldownEndsAt = core.CooldownUntil == 0 ? null : clock.ToUtc(core.CooldownUntil, now, utcNow),
            IsShutdownRequested = registry.IsShutdownRequested,
            AbandonedSessions = abandonedSessions,
            Coordination = coordination,
            Admission = admission,
        };
    }
}
