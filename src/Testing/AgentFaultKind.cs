namespace TaskProtection.Testing;

/// <summary>What a scripted call does instead of (or on top of) a normal answer.</summary>
public enum AgentFaultKind
{
    /// <summary>A normal answer, after the fault's delays.</summary>
    None,

    /// <summary>HTTP 429 text/plain from the agent's own rate limiter; the call is not applied.</summary>
    TooManyRequests,

    /// <summary>HTTP 500 <c>ServerException</c>; not applied.</summary>
    ServerError,

    /// <summary>HTTP 504 <c>RequestCanceled</c>: the agent could not reach ECS in time; not applied.</summary>
    GatewayTimeout,

    /// <summary>HTTP 400 <c>ThrottlingException</c> from ECS, with a request id; not applied.</summary>
    Throttling,

    /// <summary>HTTP 200 with failure <c>DEPLOYMENT_BLOCKED</c>; not applied.</summary>
    DeploymentBlocked,

    /// <summary>HTTP 200 with failure <c>TASK_NOT_VALID</c>; not applied.</summary>
    TaskNotValid,

    /// <summary>HTTP 403 <c>AccessDeniedException</c>; not applied.</summary>
    AccessDenied,

    /// <summary>The connection is closed without an answer; not applied.</summary>
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
}
