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

/// <summary>One scripted behaviour for one agent call.</summary>
/// <param name="Kind">What happens.</param>
/// <param name="RequestDelay">Time from the client sending to the agent receiving (and applying) the call.</param>
/// <param name="ResponseDelay">Time from the agent applying the call to the client receiving the answer.</param>
public sealed record AgentFault(AgentFaultKind Kind, TimeSpan RequestDelay = default, TimeSpan ResponseDelay = default)
{
    /// <summary>A normal call with latency.</summary>
    /// <param name="requestDelay">Time until the agent receives the call.</param>
    /// <param name="responseDelay">Time until the answer arrives after that.</param>
    /// <returns>The fault.</returns>
    public static AgentFault Latency(TimeSpan requestDelay, TimeSpan responseDelay = default) => new(AgentFaultKind.None, requestDelay, responseDelay);

    /// <summary>Whether the agent applies the call (changes the protection state).</summary>
    public bool IsApplied => Kind is AgentFaultKind.None or AgentFaultKind.NoResponse or AgentFaultKind.TruncatedBody
        or AgentFaultKind.OversizedBody or AgentFaultKind.NotJson or AgentFaultKind.LateLanding;
}
