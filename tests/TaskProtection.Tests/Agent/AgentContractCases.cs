using TaskProtection.Testing;

namespace TaskProtection.Tests.Agent;

/// <summary>
/// One answer of the ECS agent (v1.105.1): how to make the fake give it, the exact bytes the agent sends, and how the
/// parser must classify it. The JSON bodies are the agent's own handler-test answers (<c>handlers_test.go</c>, where
/// <c>taskARN</c> is literal) or its handler's and router's code paths written the same way.
/// </summary>
/// <param name="Name">What the agent does.</param>
/// <param name="Method">The request's method.</param>
/// <param name="Path">The request's path on the fake, <c>{id}</c> standing for its container id.</param>
/// <param name="RequestBody">The request's body (PUT).</param>
/// <param name="Fault">The scripted fault that makes the fake give this answer; none when the request alone does.</param>
/// <param name="Status">The agent's status.</param>
/// <param name="ContentType">The agent's Content-Type; null when it sends none.</param>
/// <param name="Body">The agent's body, byte for byte.</param>
/// <param name="Expected">The parser's classification.</param>
public sealed record AgentContractCase(
    string Name,
    string Method,
    string Path,
    string? RequestBody,
    AgentFault? Fault,
    int Status,
    string? ContentType,
    string Body,
    AgentContractExpectation Expected)
{
    public override string ToString() => Name;
}

/// <summary>The parser's reading of an answer: success with a state, or an exception of this kind.</summary>
/// <param name="Kind">The failure kind; null for success.</param>
/// <param name="Retryable">Whether retrying can help.</param>
/// <param name="Code">The exception's code.</param>
/// <param name="MessageContains">Text the exception's message must carry (what to do about it).</param>
/// <param name="RequestId">The request id the exception must carry.</param>
public sealed record AgentContractExpectation(
    CallFailureKind? Kind,
    bool Retryable = false,
    string? Code = null,
    string? MessageContains = null,
    string? RequestId = null)
{
    public static AgentContractExpectation Success { get; } = new(Kind: null);
}

/// <summary>The table.</summary>
public static class AgentContractCases
{
    public const string TaskArn = "taskARN";
    public const string Json = "application/json";
    public const string Text = "text/plain; charset=utf-8";
    private const string State = "/api/{id}/task-protection/v1/state";
    private const string Enable = "{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":5}";

    public static IReadOnlyList<AgentContractCase> All { get; } =
    [
        new("happy case: protection without an expiration date", "GET", State, null,
            AgentFault.Respond(200, Json, "{\"protection\":{\"ExpirationDate\":null,\"ProtectionEnabled\":true,\"TaskArn\":\"taskARN\"}}"),
            200, Json, "{\"protection\":{\"ExpirationDate\":null,\"ProtectionEnabled\":true,\"TaskArn\":\"taskARN\"}}",
            AgentContractExpectation.Success),
        new("unprotected task read", "GET", State, null, null,
            200, Json, "{\"protection\":{\"ExpirationDate\":null,\"ProtectionEnabled\":false,\"TaskArn\":\"taskARN\"}}",
            AgentContractExpectation.Success),
        new("ecs failure", "PUT", State, Enable, AgentFault.EcsFailure("ecs failure 1"),
            200, Json, "{\"failure\":{\"Arn\":\"taskARN\",\"Detail\":null,\"Reason\":\"ecs failure 1\"}}",
            new(CallFailureKind.Failure, Retryable: true, Code: "ecs failure 1")),
        new("DEPLOYMENT_BLOCKED", "PUT", State, Enable, new AgentFault(AgentFaultKind.DeploymentBlocked),
            200, Json, "{\"failure\":{\"Arn\":\"taskARN\",\"Detail\":null,\"Reason\":\"DEPLOYMENT_BLOCKED\"}}",
            new(CallFailureKind.Failure, Retryable: false, Code: "DEPLOYMENT_BLOCKED", MessageContains: "more protected tasks than its desired count")),
        new("TASK_NOT_VALID", "PUT", State, Enable, new AgentFault(AgentFaultKind.TaskNotValid),
            200, Json, "{\"failure\":{\"Arn\":\"taskARN\",\"Detail\":null,\"Reason\":\"TASK_NOT_VALID\"}}",
            new(CallFailureKind.Failure, Retryable: false, Code: "TASK_NOT_VALID", MessageContains: "belong to an ECS service")),
        new("a failure without a reason next to a protection (an older agent build)", "PUT", State, Enable,
            AgentFault.Respond(200, Json, "{\"protection\":{\"ExpirationDate\":\"2022-10-06T02:29:16.12Z\",\"ProtectionEnabled\":true,\"TaskArn\":\"taskARN\"},\"failure\":{\"Arn\":\"taskARN\",\"Detail\":null,\"Reason\":null}}"),
            200, Json, "{\"protection\":{\"ExpirationDate\":\"2022-10-06T02:29:16.12Z\",\"ProtectionEnabled\":true,\"TaskArn\":\"taskARN\"},\"failure\":{\"Arn\":\"taskARN\",\"Detail\":null,\"Reason\":null}}",
            AgentContractExpectation.Success),
        new("more than one ecs failure", "PUT", State, Enable, new AgentFault(AgentFaultKind.ServerError),
            500, Json, "{\"error\":{\"Arn\":\"taskARN\",\"Code\":\"ServerException\",\"Message\":\"Unexpected error occurred\"}}",
            new(CallFailureKind.Error, Retryable: true, Code: "ServerException")),
        new("request failure: ECS's AccessDeniedException passed through", "PUT", State, Enable, AgentFault.EcsError(400, "AccessDeniedException", "ecs error", "reqID"),
            400, Json, "{\"requestID\":\"reqID\",\"error\":{\"Arn\":\"taskARN\",\"Code\":\"AccessDeniedException\",\"Message\":\"ecs error\"}}",
            new(CallFailureKind.Error, Retryable: false, Code: "AccessDeniedException", MessageContains: "ecs:UpdateTaskProtection", RequestId: "reqID")),
        new("the task role may not call ECS", "PUT", State, Enable, new AgentFault(AgentFaultKind.EcsAccessDenied),
            400, Json, "{\"requestID\":\"00000000-0000-4000-8000-000000000001\",\"error\":{\"Arn\":\"taskARN\",\"Code\":\"AccessDeniedException\",\"Message\":\"User: arn:aws:sts::123456789012:assumed-role/fake-task-role/taskARN is not authorized to perform: ecs:UpdateTaskProtection on resource: taskARN because no identity-based policy allows the ecs:UpdateTaskProtection action\"}}",
            new(CallFailureKind.Error, Retryable: false, Code: "AccessDeniedException", RequestId: "00000000-0000-4000-8000-000000000001")),
        new("ECS throttles", "PUT", State, Enable, new AgentFault(AgentFaultKind.Throttling),
            400, Json, "{\"requestID\":\"00000000-0000-4000-8000-000000000001\",\"error\":{\"Arn\":\"taskARN\",\"Code\":\"ThrottlingException\",\"Message\":\"Rate exceeded\"}}",
            new(CallFailureKind.Throttled, Retryable: true, Code: "ThrottlingException", RequestId: "00000000-0000-4000-8000-000000000001")),
        new("ECS's ExpiredTokenException passed through", "PUT", State, Enable, AgentFault.EcsError(400, "ExpiredTokenException", "The security token included in the request is expired", "reqID"),
            400, Json, "{\"requestID\":\"reqID\",\"error\":{\"Arn\":\"taskARN\",\"Code\":\"ExpiredTokenException\",\"Message\":\"The security token included in the request is expired\"}}",
            new(CallFailureKind.Error, Retryable: true, Code: "ExpiredTokenException", RequestId: "reqID")),
        new("agent timeout", "PUT", State, Enable, new AgentFault(AgentFaultKind.GatewayTimeout),
            504, Json, "{\"error\":{\"Arn\":\"taskARN\",\"Code\":\"RequestCanceled\",\"Message\":\"Timed out calling ECS Task Protection API\"}}",
            new(CallFailureKind.Error, Retryable: true, Code: "RequestCanceled", MessageContains: "may still have applied")),
        new("non-request-failure aws error", "PUT", State, Enable, AgentFault.EcsError(500, "InvalidParameterException", "ecs error"),
            500, Json, "{\"error\":{\"Arn\":\"taskARN\",\"Code\":\"InvalidParameterException\",\"Message\":\"ecs error\"}}",
            new(CallFailureKind.Error, Retryable: false, Code: "InvalidParameterException")),
        new("task lookup failure", "GET", "/api/endpointId/task-protection/v1/state", null, null,
            404, Json, "{\"error\":{\"Code\":\"ResourceNotFoundException\",\"Message\":\"Failed to find a task for the request\"}}",
            new(CallFailureKind.Error, Retryable: false, Code: "ResourceNotFoundException", MessageContains: "ECS_AGENT_URI")),
        new("task metadata fetch failure", "GET", State, null, new AgentFault(AgentFaultKind.TaskMetadataUnavailable),
            500, Json, "{\"error\":{\"Code\":\"ServerException\",\"Message\":\"Failed to find a task for the request\"}}",
            new(CallFailureKind.Error, Retryable: true, Code: "ServerException")),
        new("task role creds not found", "PUT", State, Enable, new AgentFault(AgentFaultKind.AccessDenied),
            403, Json, "{\"error\":{\"Arn\":\"taskARN\",\"Code\":\"AccessDeniedException\",\"Message\":\"Invalid Request: no task IAM role credentials available for task\"}}",
            new(CallFailureKind.Error, Retryable: false, Code: "AccessDeniedException")),
        new("unknown field in request", "PUT", State, "{\"ExpiresInMinutes\":5,\"ProtectionEnabled\":true,\"Unknown\":2}", null,
            400, Json, "{\"error\":{\"Code\":\"InvalidParameterException\",\"Message\":\"UpdateTaskProtection: failed to decode request\"}}",
            new(CallFailureKind.Error, Retryable: false, Code: "InvalidParameterException")),
        new("invalid type in the request", "PUT", State, "{\"ProtectionEnabled\":\"bad\"}", null,
            400, Json, "{\"error\":{\"Code\":\"InvalidParameterException\",\"Message\":\"UpdateTaskProtection: failed to decode request\"}}",
            new(CallFailureKind.Error, Retryable: false, Code: "InvalidParameterException")),
        new("ProtectionEnabled field not found on the request", "PUT", State, "{\"ExpiresInMinutes\":5}", null,
            400, Json, "{\"error\":{\"Arn\":\"taskARN\",\"Code\":\"InvalidParameterException\",\"Message\":\"Invalid request: does not contain 'ProtectionEnabled' field\"}}",
            new(CallFailureKind.Error, Retryable: false, Code: "InvalidParameterException")),
        new("the agent's rate limiter", "PUT", State, Enable, new AgentFault(AgentFaultKind.TooManyRequests),
            429, Text, "You have reached maximum request limit.",
            new(CallFailureKind.Throttled, Retryable: true, Code: "TooManyRequests", MessageContains: "40 requests a second")),
        new("a method the route does not take", "POST", State, Enable, null,
            405, null, string.Empty,
            new(CallFailureKind.Error, Retryable: false, MessageContains: "GET and PUT")),
        new("no route: an agent before 1.65.0, or not the agent's address", "GET", "/api/{id}/task-protection/v2/state", null, null,
            404, Text, "404 page not found\n",
            new(CallFailureKind.Error, Retryable: false, MessageContains: "1.65.0")),
    ];

    /// <summary>The cases' names, so that each runs and reports on its own.</summary>
    public static TheoryData<string> Names() => new(All.Select(static c => c.Name));

    /// <summary>The cases a client's own well-formed requests can meet: those made by a scripted fault on the fake's endpoint.</summary>
    public static TheoryData<string> ScriptedNames() =>
        new(All.Where(static c => c.Fault is not null && c.Path == State && c.RequestBody is null or Enable).Select(static c => c.Name));

    public static AgentContractCase Named(string name) => All.Single(c => c.Name == name);
}
