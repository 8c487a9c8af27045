using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TaskProtection;

/// <summary>
/// Reports protection: Healthy when idle, protected or running without an agent; Degraded while agent calls are failing
/// and being retried, when capped, force-disabled or not running; the registration's failure status (Unhealthy by
/// default) when protection is lost while work runs.
/// </summary>
/// <remarks>
/// Don't make this the ECS container health check unless you want ECS to replace a task that lost protection:
/// replacing it stops the very work that lost protection. Use it for dashboards, alarms and readiness.
/// </remarks>
public sealed class TaskProtectionHealthCheck : IHealthCheck
{
    private readonly TaskProtectionManager _manager;

    /// <summary>Creates the check.</summary>
    /// <param name="manager">The manager to report on.</param>
    public TaskProtectionHealthCheck(TaskProtectionManager manager)
    {
        ArgumentNullException.ThrowIfNull(manager);
        _manager = manager;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        TaskProtectionStatus status = _manager.GetStatus();
        var data = new Dictionary<string, object>
        {
            ["mode"] = status.Mode.ToString(),
            ["activeSessions"] = status.ActiveSessionCount,
            ["protectionEnabled"] = status.ProtectionEnabled,
            ["secondsUntilExpiry"] = status.TimeUntilExpiry?.TotalSeconds ?? 0,
            ["consecutiveFailures"] = status.ConsecutiveFailures,
            ["lapses"] = status.Lapses,
            ["abandonedSessions"] = status.AbandonedSessions,
            ["loopFaults"] = status.LoopFaults,
        };
        if (status.LastError is not null)
        {
            data["lastError"] = status.LastError;
        }

        HealthCheckResult result = status.Mode switch
        {
            ProtectionMode.Lost => new HealthCheckResult(
                context.Registration.FailureStatus,
                $"Task protection lost while {status.ActiveSessionCount} sessions run: {status.LastError ?? "the lease ran out"}.",
                data: data),
            ProtectionMode.Faulted => new HealthCheckResult(
                context.Registration.FailureStatus,
                $"{status.LastError} Protection is no longer renewed; restart the process.",
                data: data),
            ProtectionMode.Stopped => HealthCheckResult.Degraded("The task protection manager is not running.", data: data),
            ProtectionMode.Capped => HealthCheckResult.Degraded(
                $"Continuous protection reached MaxProtectionDuration; renewals stopped. Protection may be acquired again from {status.CooldownEndsAt:O}.",
                data: data),
            ProtectionMode.ForceDisabled => HealthCheckResult.Degraded("Protection was force-disabled.", data: data),
            _ when status.ConsecutiveFailures > 0 => HealthCheckResult.Degraded(
                $"Retrying: {status.ConsecutiveFailures} agent calls failed in a row (tolerated: {status.ToleratedConsecutiveFailures}); last: {status.LastError}.",
                data: data),
            ProtectionMode.Unavailable => HealthCheckResult.Healthy($"Running without an agent: {status.UnavailableReason}.", data),
            _ => HealthCheckResult.Healthy($"{status.Mode}, {status.ActiveSessionCount} active sessions.", data),
        };
        return Task.FromResult(result);
    }
}
