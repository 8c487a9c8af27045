using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TaskProtection;

/// <summary>
/// Turns one answer of the agent's task-protection endpoint into a state or a <see cref="TaskProtectionCallException"/>.
/// Shapes (ground truth: the agent's handler): 200 <c>{"protection":{…}}</c>; 200 <c>{"failure":{…}}</c>;
/// 4xx/5xx <c>{"requestID":…,"error":{…}}</c>; 429 text/plain from the agent's own limiter.
/// </summary>
internal static class AgentResponseParser
{
    private const int MaxQuotedChars = 200;

    /// <summary>Error codes after which retrying cannot help.</summary>
    private static readonly HashSet<string> NonRetryableErrorCodes = new(StringComparer.Ordinal)
    {
        "AccessDeniedException",
        "InvalidParameterException",
        "ClientException",
        "ResourceNotFoundException",
        "UnsupportedFeatureException",
    };

    public static TaskProtectionState Parse(int statusCode, ReadOnlySpan<byte> body, bool? expectedEnabled)
    {
        if (statusCode == 429)
        {
            throw new TaskProtectionCallException(
                CallFailureKind.Throttled,
                isRetryable: true,
                $"The ECS agent's rate limiter refused the call (HTTP 429): {Quote(body)}",
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
            throw Malformed(statusCode, $"the body is not JSON: {Quote(body)}", ex);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Malformed(statusCode, $"the body is JSON {root.ValueKind}, not an object: {Quote(body)}");
            }

            string? requestId = GetString(root, "requestID");
            if (TryGetObject(root, "error", out JsonElement error))
            {
                throw FromError(statusCode, error, requestId);
            }

            if (TryGetObject(root, "failure", out JsonElement failure))
            {
                throw FromFailure(statusCode, failure, requestId);
            }

            if (statusCode is < 200 or > 299)
            {
                throw new TaskProtectionCallException(
                    CallFailureKind.Error,
                    isRetryable: statusCode >= 500,
                    $"The ECS agent answered HTTP {statusCode} without an error object: {Quote(body)}",
                    statusCode,
                    requestId: requestId);
            }

            if (!TryGetObject(root, "protection", out JsonElement protection))
            {
                throw Malformed(statusCode, $"it has none of 'protection', 'failure' or 'error': {Quote(body)}");
            }

            return ReadProtection(statusCode, protection, expectedEnabled, body);
        }
    }

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
        bool throttled = code is "ThrottlingException" or "TooManyRequestsException";
        bool retryable = throttled
                         || statusCode >= 500
                         || (code is not null && !NonRetryableErrorCodes.Contains(code) && statusCode is < 400 or >= 500);
        return new TaskProtectionCallException(
            throttled ? CallFailureKind.Throttled : CallFailureKind.Error,
            retryable,
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
