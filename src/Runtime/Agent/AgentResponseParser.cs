using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TaskProtection;

/// <summary>
/// Turns one answer of the agent's task-protection endpoint into a state or a <see cref="TaskProtectionCallException"/>.
/// Shapes (ground truth: the agent's handler, v1.105.1): 200 <c>{"protection":{…}}</c>; 200 <c>{"failure":{…}}</c>;
/// 4xx/5xx <c>{"requestID":…,"error":{…}}</c> (ECS's errors with ECS's status, the agent's own without
/// <c>requestID</c>); 429 text/plain from the agent's limiter; gorilla/mux's plain-text 404 where no endpoint is (an
/// agent before 1.65.0) and empty 405 for another method.
/// </summary>
internal static class AgentResponseParser
{
    /// <summary>The first agent version with the task-protection endpoint.</summary>
    internal const string FirstAgentVersion = "1.65.0";

    private const int MaxQuotedChars = 200;

    public static TaskProtectionState Parse(int statusCode, ReadOnlySpan<byte> body, bool? expectedEnabled)
    {
        if (statusCode == 429)
        {
            throw new TaskProtectionCallException(
                CallFailureKind.Throttled,
                isRetryable: true,
                $"The ECS agent's rate limiter refused the call (HTTP 429: {Quote(body)}); it allows 40 requests a second per client and path, in bursts of 60.",
                statusCode,
                code: "TooManyRequests",
                reason: Quote(body));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException ex)
        {
            throw NotJson(statusCode, body, ex);
        }

        using (document)
        {
            return ParseObject(statusCode, document.RootElement, expectedEnabled, body);
        }
    }

    private static TaskProtectionState ParseObject(int statusCode, JsonElement root, bool? expectedEnabled, ReadOnlySpan<byte> body)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(statusCode, $"the body is JSON {root.ValueKind}, not an object: {Quote(body)}");
        }

        string? requestId = GetString(root, "requestID");
        if (TryGetObject(root, "error", out JsonElement error))
        {
            throw FromError(statusCode, error, requestId);
        }

        bool hasProtection = TryGetObject(root, "protection", out JsonElement protection);
        // A failure without a reason next to a protection is no failure (an agent build once sent both): the protection decides.
        if (TryGetObject(root, "failure", out JsonElement failure) && !(hasProtection && GetString(failure, "Reason") is null))
        {
            throw FromFailure(statusCode, failure, requestId);
        }

        if (statusCode is < 200 or > 299)
        {
            throw new TaskProtectionCallException(
                CallFailureKind.Error,
                isRetryable: EcsErrorCodes.IsRetryable(code: null, statusCode),
                $"The ECS agent answered HTTP {statusCode} without an error object: {Quote(body)}",
                statusCode,
                requestId: requestId);
        }

        if (!hasProtection)
        {
            throw Malformed(statusCode, $"it has none of 'protection', 'failure' or 'error': {Quote(body)}");
        }

        return ReadProtection(statusCode, protection, expectedEnabled, body);
    }

    /// <summary>
    /// A body that is not JSON: the router's plain-text 404 means there is no endpoint at this address (an agent older
    /// than the endpoint, or an address that is not the agent's), its empty 405 a method the endpoint does not take.
    /// </summary>
    private static TaskProtectionCallException NotJson(int statusCode, ReadOnlySpan<byte> body, JsonException ex) => statusCode switch
    {
        404 => new TaskProtectionCallException(
            CallFailureKind.Error,
            isRetryable: false,
            $"The ECS agent answered HTTP 404 {Quote(body)}: there is no task-protection endpoint at this address. The endpoint exists in ECS container agent {FirstAgentVersion} and later: update the agent on the container instance (Fargate's is recent enough), and check that ECS_AGENT_URI is the address ECS set in this container.",
            statusCode,
            innerException: ex),
        405 => new TaskProtectionCallException(
            CallFailureKind.Error,
            isRetryable: false,
            "The ECS agent refused the method (HTTP 405): its task-protection endpoint takes GET and PUT only.",
            statusCode,
            innerException: ex),
        _ => Malformed(statusCode, $"the body is not JSON: {Quote(body)}", ex),
    };

    private static TaskProtectionState ReadProtection(int statusCode, JsonElement protection, bool? expectedEnabled, ReadOnlySpan<byte> body)
    {
        if (!protection.TryGetProperty("ProtectionEnabled", out JsonElement enabledElement)
            || enabledElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw Malformed(statusCode, $"'protection.ProtectionEnabled' is missing or not a boolean: {Quote(body)}");
        }

        bool enabled = enabledElement.GetBoolean();
        // The expiry is informational (the manager measures its own lease, conservatively): a date it cannot read must
        // not turn a confirmed change into a failure, or a confirmed release would be retried and a confirmed enable lost.
        DateTimeOffset? expiration = null;
        string? expirationText = GetString(protection, "ExpirationDate");
        if (DateTimeOffset.TryParse(expirationText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset parsed))
        {
            expiration = parsed;
        }

        if (expectedEnabled is bool expected && expected != enabled)
        {
            throw Malformed(statusCode, $"the agent answered ProtectionEnabled = {enabled} to a request for {expected}: {Quote(body)}");
        }

        return new TaskProtectionState { ProtectionEnabled = enabled, ExpirationDate = expiration, TaskArn = GetString(protection, "TaskArn") };
    }

    private static TaskProtectionCallException FromError(int statusCode, JsonElement error, string? requestId)
    {
        string? code = GetString(error, "Code");
        string? message = GetString(error, "Message");
        return new TaskProtectionCallException(
            EcsErrorCodes.IsThrottling(code) ? CallFailureKind.Throttled : CallFailureKind.Error,
            EcsErrorCodes.IsRetryable(code, statusCode),
            $"The ECS agent answered HTTP {statusCode} with error {code ?? "(no code)"}: {message ?? "(no message)"}{(requestId is null ? string.Empty : $" (request id {requestId})")}.{ProtectionRefusals.Advice(code)}",
            statusCode,
            code,
            message,
            requestId);
    }

    private static TaskProtectionCallException FromFailure(int statusCode, JsonElement failure, string? requestId) =>
        ProtectionRefusals.Refused(statusCode, GetString(failure, "Reason"), GetString(failure, "Detail"), requestId);

    private static TaskProtectionCallException Malformed(int statusCode, string what, Exception? inner = null) =>
        new(
            CallFailureKind.MalformedResponse,
            isRetryable: statusCode is (>= 200 and <= 299) or >= 500,
            $"The ECS agent's answer (HTTP {statusCode}) does not follow the task-protection contract: {what}",
            statusCode,
            innerException: inner);

    private static bool TryGetObject(JsonElement element, string name, out JsonElement value) =>
        element.TryGetProperty(name, out value) && value.ValueKind == JsonValueKind.Object;

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Quote(ReadOnlySpan<byte> body)
    {
        string text = Encoding.UTF8.GetString(body.Length > MaxQuotedChars * 4 ? body[..(MaxQuotedChars * 4)] : body);
        return Quote(text);
    }

    private static string Quote(string text)
    {
        text = text.Trim();
        return text.Length <= MaxQuotedChars ? $"\"{text}\"" : $"\"{text[..MaxQuotedChars]}…\"";
    }
}
