namespace TaskProtection;

/// <summary>What a failed call means for the task's protection, on every path.</summary>
internal static class CallFailures
{
    /// <summary>ECS's failure reason while a service deployment waits for protected tasks (more are protected than it wants).</summary>
    public const string DeploymentBlocked = "DEPLOYMENT_BLOCKED";

    /// <summary>How the loop retries after <paramref name="error"/>.</summary>
    public static CallFailure Classify(this TaskProtectionCallException error) =>
        error.IsRetryable ? CallFailure.Retryable
        : error.Code == DeploymentBlocked ? CallFailure.Blocked
        : CallFailure.Refused;

    /// <summary>
    /// Whether a failed call may still take effect: no answer (timeout, broken connection, garbled answer) or a server
    /// error, the agent's own 504 RequestCanceled among them. Throttling and refusals were not applied.
    /// </summary>
    public static bool MayHaveLanded(this TaskProtectionCallException error) =>
        error.Kind is CallFailureKind.Timeout or CallFailureKind.Transport or CallFailureKind.MalformedResponse
        || (error.Kind == CallFailureKind.Error && error.StatusCode >= 500);
}
