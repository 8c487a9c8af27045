using System.Globalization;

namespace TaskProtection;

/// <summary>
/// ECS's refusals of task protection (a <c>failure</c> for the task, on either path): which reasons retrying cannot
/// fix, and what to do about each. Compiled into the runtime and the ECS API package, which read the same reasons.
/// </summary>
internal static class ProtectionRefusals
{
    /// <summary>Failure reasons after which retrying cannot help: ECS refuses protection for this task.</summary>
    private static readonly HashSet<string> NonRetryableReasons = new(StringComparer.Ordinal)
    {
        "TASK_NOT_VALID",
        "DEPLOYMENT_BLOCKED",
    };

    /// <summary>ECS refused protection for the task (a <c>failure</c>), with whether retrying can help.</summary>
    public static TaskProtectionCallException Refused(int statusCode, string? reason, string? detail, string? requestId)
    {
        bool retryable = reason is null || !NonRetryableReasons.Contains(reason);
        return new TaskProtectionCallException(
            CallFailureKind.Failure,
            retryable,
            string.Create(CultureInfo.InvariantCulture, $"ECS refused task protection (HTTP {statusCode} with a failure): {reason ?? "(no reason)"}{(detail is null ? string.Empty : $", {detail}")}.{Advice(reason)}"),
            statusCode,
            reason,
            detail,
            requestId);
    }

    /// <summary>What to do about a failure reason or error code; empty when there is nothing to add.</summary>
    public static string Advice(string? code) => code switch
    {
        "TASK_NOT_VALID" => " Task protection only works for tasks that belong to an ECS service.",
        "MISSING" => " ECS does not know this task in that cluster (yet: a task that just started may take a moment to be known); check the cluster, the task ARN and the region.",
        // AWS's documented meaning and remedies for DEPLOYMENT_BLOCKED (the task scale-in protection guide).
        "DEPLOYMENT_BLOCKED" => " The service has more protected tasks than its desired count, so a deployment or scale-in is waiting for them. Wait for protections to expire and then set protection again, remove protection from tasks that can stop, or raise the service's desired count above the number of protected tasks; this task should take no new work meanwhile.",
        "AccessDeniedException" => " Give the task role ecs:UpdateTaskProtection and ecs:GetTaskProtection (through the agent, also check that the task has a task role).",
        "InvalidParameterException" => " The agent or ECS rejected the request: its body, or ExpiresInMinutes outside 1 to 2880.",
        "ResourceNotFoundException" => " The agent knows no task for this address: ECS_AGENT_URI must be the address ECS set in this container.",
        "RequestCanceled" => " The agent gave up waiting for ECS (after 4 s); ECS may still have applied the change.",
        _ => string.Empty,
    };
}
