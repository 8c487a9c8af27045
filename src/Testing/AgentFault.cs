namespace TaskProtection.Testing;

/// <summary>One scripted behaviour for one agent call.</summary>
/// <param name="Kind">What happens.</param>
/// <param name="RequestDelay">Time from the client sending to the agent receiving (and applying) the call.</param>
/// <param name="ResponseDelay">Time from the agent applying the call to the client receiving the answer.</param>
public sealed record AgentFault(AgentFaultKind Kind, TimeSpan RequestDelay = default, TimeSpan ResponseDelay = default)
{
    /// <summary>The answer of a <see cref="AgentFaultKind.Scripted"/> fault.</summary>
    internal AgentScript? Script { get; init; }

    /// <summary>Whether the agent applies the call (changes the protection state).</summary>
    public bool IsApplied => Kind is AgentFaultKind.None or AgentFaultKind.NoResponse or AgentFaultKind.TruncatedBody
        or AgentFaultKind.OversizedBody or AgentFaultKind.NotJson or AgentFaultKind.LateLanding or AgentFaultKind.GatewayTimeoutApplied;

    /// <summary>A normal call with latency.</summary>
    /// <param name="requestDelay">Time until the agent receives the call.</param>
    /// <param name="responseDelay">Time until the answer arrives after that.</param>
    /// <returns>The fault.</returns>
    public static AgentFault Latency(TimeSpan requestDelay, TimeSpan responseDelay = default) => new(AgentFaultKind.None, requestDelay, responseDelay);

    /// <summary>
    /// Exactly this answer, whatever the request (its checks included); not applied. For answers the model never gives,
    /// such as <c>{"protection":{"ExpirationDate":null,"ProtectionEnabled":true,…}}</c>.
    /// </summary>
    /// <param name="statusCode">HTTP status.</param>
    /// <param name="contentType">The Content-Type header as sent; none when null or empty.</param>
    /// <param name="body">The body.</param>
    /// <returns>The fault.</returns>
    public static AgentFault Respond(int statusCode, string? contentType, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var answer = new AgentAnswer(statusCode, contentType ?? string.Empty, body);
        return new AgentFault(AgentFaultKind.Scripted) { Script = new AgentScript(Raw: true, _ => answer) };
    }

    /// <summary>
    /// An error ECS returned, as the agent passes it on: ECS's status, <c>requestID</c> when given, the task's ARN,
    /// ECS's code and message (<c>{"requestID":…,"error":{"Arn":…,"Code":…,"Message":…}}</c>); not applied. The agent
    /// omits <c>requestID</c> for an error that carries no HTTP response (it then answers 500 whatever the code).
    /// </summary>
    /// <param name="statusCode">ECS's HTTP status.</param>
    /// <param name="code">ECS's error code, for example <c>AccessDeniedException</c>.</param>
    /// <param name="message">ECS's message.</param>
    /// <param name="requestId">ECS's request id; omitted when null.</param>
    /// <returns>The fault.</returns>
    public static AgentFault EcsError(int statusCode, string code, string message, string? requestId = null)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(message);
        return new AgentFault(AgentFaultKind.Scripted)
        {
            Script = new AgentScript(Raw: false, arn => AgentAnswers.Error(statusCode, code, message, arn, requestId)),
        };
    }

    /// <summary>
    /// HTTP 200 with ECS's failure for the task (<c>{"failure":{"Arn":…,"Detail":…,"Reason":…}}</c>); not applied.
    /// </summary>
    /// <param name="reason">The failure reason, for example <c>DEPLOYMENT_BLOCKED</c>.</param>
    /// <param name="detail">The failure detail; <c>null</c> in JSON when null.</param>
    /// <returns>The fault.</returns>
    public static AgentFault EcsFailure(string reason, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return new AgentFault(AgentFaultKind.Scripted)
        {
            Script = new AgentScript(Raw: false, arn => AgentAnswers.Failure(arn, reason, detail)),
        };
    }
}
