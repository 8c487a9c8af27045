namespace TaskProtection.Testing;

/// <summary>What a scripted call does instead of (or on top of) a normal answer.</summary>
public enum AgentFaultKind
{
    /// <summary>A normal answer, after the fault's delays.</summary>
    None,

    /// <summary>
    /// HTTP 429 <c>text/plain; charset=utf-8</c> "You have reached maximum request limit." from the agent's own rate
    /// limiter, before the request is read; not applied.
    /// </summary>
    TooManyRequests,

    /// <summary>HTTP 500 <c>ServerException</c> "Unexpected error occurred" (the agent's answer when ECS's answer has more than one protection or failure); not applied.</summary>
    ServerError,

    /// <summary>HTTP 504 <c>RequestCanceled</c>: the agent's 4-second call to ECS timed out before ECS received it; not applied.</summary>
    GatewayTimeout,

    /// <summary>HTTP 400 <c>ThrottlingException</c> "Rate exceeded" from ECS, passed through with ECS's request id; not applied.</summary>
    Throttling,

    /// <summary>
    /// HTTP 200 with failure <c>DEPLOYMENT_BLOCKED</c>: the service has more protected tasks than its desired count;
    /// not applied. Its <c>Detail</c> is null, as in the agent's failure answers.
    /// </summary>
    DeploymentBlocked,

    /// <summary>HTTP 200 with failure <c>TASK_NOT_VALID</c>; not applied.</summary>
    TaskNotValid,

    /// <summary>HTTP 403 <c>AccessDeniedException</c> from the agent itself: the task has no task role credentials; not applied.</summary>
    AccessDenied,

    /// <summary>
    /// The connection is closed without an answer; not applied. The agent does this too when ECS answers with neither a
    /// protection nor a failure (its handler panics and Go closes the connection).
    /// </summary>
    DropConnection,

    /// <summary>The call is applied but no answer ever comes (the client must time out).</summary>
    NoResponse,

    /// <summary>The call never reaches the agent and no answer comes; not applied.</summary>
    Blackhole,

    /// <summary>HTTP 200 whose body declares more bytes than it sends, then stalls; applied.</summary>
    TruncatedBody,

    /// <summary>HTTP 200 with a body far larger than any agent answer; applied.</summary>
    OversizedBody,

    /// <summary>HTTP 200 whose body is not JSON; applied.</summary>
    NotJson,

    /// <summary>
    /// The call reaches ECS <see cref="AgentFault.RequestDelay"/> after it was sent, even if the client has given up by
    /// then (a timed-out request the agent still passed on), and no answer ever comes; applied then.
    /// </summary>
    LateLanding,

    /// <summary>
    /// HTTP 404 <c>ResourceNotFoundException</c> "Failed to find a task for the request", without <c>Arn</c>: the
    /// agent knows no task for the address's container id; not applied. Calls to another container id than the fake's
    /// get this answer anyway.
    /// </summary>
    TaskNotFound,

    /// <summary>
    /// HTTP 500 <c>ServerException</c> "Failed to find a task for the request", without <c>Arn</c>: the agent could not
    /// read the task's metadata; not applied.
    /// </summary>
    TaskMetadataUnavailable,

    /// <summary>
    /// HTTP 400 <c>AccessDeniedException</c> from ECS, passed through with ECS's request id: the task role may not call
    /// <c>ecs:UpdateTaskProtection</c> (or <c>ecs:GetTaskProtection</c>); not applied.
    /// </summary>
    EcsAccessDenied,

    /// <summary>
    /// HTTP 504 <c>RequestCanceled</c> after ECS received and applied the update: the agent gave up waiting (4 s), the
    /// change stands.
    /// </summary>
    GatewayTimeoutApplied,

    /// <summary>
    /// The answer a fault made by <see cref="AgentFault.Respond"/>, <see cref="AgentFault.EcsError"/> or
    /// <see cref="AgentFault.EcsFailure"/> describes; not applied. Without one, the same as <see cref="ServerError"/>.
    /// </summary>
    Scripted,
}
