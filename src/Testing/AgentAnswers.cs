namespace TaskProtection.Testing;

/// <summary>
/// The agent's answers (v1.105.1, <c>tmds/handlers/taskprotection/v1</c>), byte for byte: Go marshals its response
/// struct in field order (<c>requestID</c>, <c>protection</c>, <c>failure</c>, <c>error</c>), leaves out nil pointers
/// and an empty <c>Arn</c>, and writes JSON as <c>application/json</c> with no charset.
/// </summary>
internal static class AgentAnswers
{
    public const string JsonMediaType = "application/json";

    /// <summary>What Go's <c>http.Error</c> and tollbooth send with their plain-text answers.</summary>
    public const string TextMediaType = "text/plain; charset=utf-8";

    /// <summary>The agent's message when it finds no task (or no metadata) for the request.</summary>
    public const string TaskLookupFailed = "Failed to find a task for the request";

    /// <summary>200 <c>{"protection":{…}}</c> as the agent relays ECS's protected task.</summary>
    public static AgentAnswer Protection(DateTimeOffset? expiration, bool enabled, string taskArn) =>
        Json(200, $"{{\"protection\":{{\"ExpirationDate\":{GoJson.Time(expiration)},\"ProtectionEnabled\":{GoJson.Bool(enabled)},\"TaskArn\":{GoJson.String(taskArn)}}}}}");

    /// <summary>200 <c>{"failure":{…}}</c> as the agent relays ECS's one failure.</summary>
    public static AgentAnswer Failure(string taskArn, string reason, string? detail) =>
        Json(200, $"{{\"failure\":{{\"Arn\":{GoJson.String(taskArn)},\"Detail\":{GoJson.String(detail)},\"Reason\":{GoJson.String(reason)}}}}}");

    /// <summary>An error: <c>requestID</c> only when given, <c>Arn</c> only when not empty.</summary>
    public static AgentAnswer Error(int status, string code, string message, string? taskArn, string? requestId = null)
    {
        string id = requestId is null ? string.Empty : $"\"requestID\":{GoJson.String(requestId)},";
        string arn = string.IsNullOrEmpty(taskArn) ? string.Empty : $"\"Arn\":{GoJson.String(taskArn)},";
        return Json(status, $"{{{id}\"error\":{{{arn}\"Code\":{GoJson.String(code)},\"Message\":{GoJson.String(message)}}}}}");
    }

    /// <summary>400 for a body the agent cannot decode: written before the task is looked up, so without an ARN.</summary>
    public static AgentAnswer DecodeError() =>
        Error(400, "InvalidParameterException", "UpdateTaskProtection: failed to decode request", taskArn: null);

    /// <summary>400 for a body without <c>ProtectionEnabled</c> (or with it null), after the task was found.</summary>
    public static AgentAnswer MissingProtectionEnabled(string taskArn) =>
        Error(400, "InvalidParameterException", "Invalid request: does not contain 'ProtectionEnabled' field", taskArn);

    /// <summary>404 when no task is known for the address's container id.</summary>
    public static AgentAnswer TaskNotFound() => Error(404, "ResourceNotFoundException", TaskLookupFailed, taskArn: null);

    /// <summary>500 when the task's metadata cannot be read.</summary>
    public static AgentAnswer TaskMetadataUnavailable() => Error(500, "ServerException", TaskLookupFailed, taskArn: null);

    /// <summary>429 from the agent's limiter (tollbooth), before any handler.</summary>
    public static AgentAnswer TooManyRequests() => new(429, TextMediaType, "You have reached maximum request limit.");

    /// <summary>405 from gorilla/mux for a method the route does not take: no body, no Content-Type.</summary>
    public static AgentAnswer MethodNotAllowed() => new(405, string.Empty, string.Empty);

    /// <summary>404 from gorilla/mux (Go's <c>http.NotFound</c>) for a path no route takes.</summary>
    public static AgentAnswer PageNotFound() => new(404, TextMediaType, "404 page not found\n");

    private static AgentAnswer Json(int status, string body) => new(status, JsonMediaType, body);
}
