namespace TaskProtection;

/// <summary>What kind of failure a task-protection call met, on either path (the ECS agent or the ECS API).</summary>
public enum CallFailureKind
{
    /// <summary>HTTP 200 with a <c>failure</c> object (for example <c>TASK_NOT_VALID</c>, <c>DEPLOYMENT_BLOCKED</c>).</summary>
    Failure,

    /// <summary>An HTTP error status with an error from the agent or ECS (<c>AccessDeniedException</c>, <c>ServerException</c>…).</summary>
    Error,

    /// <summary>HTTP 429 from the agent's own rate limiter, or ECS's <c>ThrottlingException</c>.</summary>
    Throttled,

    /// <summary>No complete answer within the request timeout.</summary>
    Timeout,

    /// <summary>The connection could not be made or broke.</summary>
    Transport,

    /// <summary>An answer that does not follow the contract (bad JSON, missing fields, too large).</summary>
    MalformedResponse,
}
