using System.Diagnostics;

namespace TaskProtection;

/// <summary>
/// Names of the <see cref="System.Diagnostics.Metrics.Meter"/> and <see cref="System.Diagnostics.ActivitySource"/> TaskProtection
/// publishes (both "TaskProtection"), and of their instruments and tags, for OpenTelemetry set-up and dashboards.
/// </summary>
public static class TaskProtectionDiagnostics
{
    /// <summary>The meter name: <c>AddMeter(TaskProtectionDiagnostics.MeterName)</c>.</summary>
    public const string MeterName = "TaskProtection";

    /// <summary>The activity source name: <c>AddSource(TaskProtectionDiagnostics.ActivitySourceName)</c>.</summary>
    public const string ActivitySourceName = "TaskProtection";

    /// <summary>Sessions active now ({session}, up-down counter).</summary>
    public const string ActiveSessions = "taskprotection.sessions.active";

    /// <summary>1 while a confirmed lease holds, else 0 (gauge).</summary>
    public const string ProtectionEnabled = "taskprotection.protection.enabled";

    /// <summary>Seconds left on the confirmed lease, 0 without one (s, gauge).</summary>
    public const string LeaseRemaining = "taskprotection.lease.remaining";

    /// <summary>Agent calls, by operation and outcome ({call}, counter).</summary>
    public const string AgentCalls = "taskprotection.agent.calls";

    /// <summary>Duration of agent calls, by operation and outcome (s, histogram).</summary>
    public const string AgentCallDuration = "taskprotection.agent.call.duration";

    /// <summary>How late each renewal started after it was due (s, histogram).</summary>
    public const string RenewalLateness = "taskprotection.renewal.lateness";

    /// <summary>Leases that ran out while sessions were active ({lapse}, counter): must stay 0.</summary>
    public const string Lapses = "taskprotection.protection.lapses";

    /// <summary>Times continuous protection reached MaxProtectionDuration while sessions ran ({cap}, counter).</summary>
    public const string Caps = "taskprotection.protection.caps";

    /// <summary>Counter: releases not sent because another process of the task still held sessions (with <c>CoordinationDirectory</c>).</summary>
    public const string ReleasesSkipped = "taskprotection.coordination.releases_skipped";

    /// <summary>Counter: acquires and renewals not sent because another process's lease already covered them (with <c>CoordinationDirectory</c>).</summary>
    public const string SharedRenewals = "taskprotection.coordination.shared_renewals";

    /// <summary>Duration of critical sessions, by session name (s, histogram).</summary>
    public const string SessionDuration = "taskprotection.session.duration";

    /// <summary>Sessions still running when a shutdown drain gave up ({session}, counter).</summary>
    public const string AbandonedSessions = "taskprotection.sessions.abandoned";

    /// <summary>Unexpected errors the manager's loop survived ({fault}, counter): each is a bug to report.</summary>
    public const string LoopFaults = "taskprotection.loop.faults";

    /// <summary>Tag: the agent operation, <c>enable</c> or <c>disable</c>.</summary>
    public const string OperationTag = "taskprotection.operation";

    /// <summary>Tag: <c>success</c>, or the failure kind in snake case (<c>throttled</c>, <c>timeout</c>, <c>refused</c>, …).</summary>
    public const string OutcomeTag = "taskprotection.outcome";

    /// <summary>Tag: the session name.</summary>
    public const string SessionNameTag = "taskprotection.session.name";

    /// <summary>Tag: the session id.</summary>
    public const string SessionIdTag = "taskprotection.session.id";

    /// <summary>Activity name of a critical session.</summary>
    public const string SessionActivityName = "TaskProtection.Session";

    /// <summary>Activity name of one agent call.</summary>
    public const string AgentCallActivityName = "TaskProtection.AgentCall";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}
