namespace TaskProtection;

/// <summary>Turns the loop's last published figures into a <see cref="TaskProtectionStatus"/>, in wall-clock time.</summary>
internal static class StatusSnapshot
{
    public static TaskProtectionStatus Create(ManagerContext context, bool agentAvailable, string? unavailableReason, long abandonedSessions, CoordinationStatus? coordination)
    {
        StatusCore core = context.State.Core;
        ManagerClock clock = context.Clock;
        long now = clock.Now;
        DateTimeOffset utcNow = clock.UtcNow;
        IReadOnlyList<ActiveSessionInfo> sessions = context.Registry.GetActiveSessions();
        bool enabled = core.LeaseExpiry != 0 && core.LeaseExpiry > now;
        TaskProtectionOptions options = context.Options;
        return new TaskProtectionStatus
        {
            Mode = context.State.Mode,
            AgentAvailable = agentAvailable,
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
            IsShutdownRequested = context.Registry.IsShutdownRequested,
            AbandonedSessions = abandonedSessions,
            Coordination = coordination,
        };
    }
}
