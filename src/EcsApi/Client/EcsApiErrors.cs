using System.Text.Json;

namespace TaskProtection;

/// <summary>Turns an ECS API error answer (JSON 1.1: <c>__type</c> and <c>message</c>) into a <see cref="TaskProtectionCallException"/>.</summary>
internal static class EcsApiErrors
{
    /// <summary>Error types after which trying again (with fresh credentials or a fresh signature time) can help.</summary>
    private static readonly HashSet<string> RetryableTypes = new(StringComparer.Ordinal)
    {
        "ThrottlingException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "ServerException",
        "ServiceUnavailableException",
        "InternalFailure",
        "ExpiredTokenException",
        "RequestExpired",
        "RequestTimeout",
        "RequestTimeoutException",
    };

    public static TaskProtectionCallException FromAnswer(int statusCode, ReadOnlySpan<byte> body, string action, string? requestId)
    {
        string? type = null;
        string? message = null;
        try
        {
            ErrorShape? error = JsonSerializer.Deserialize(body, EcsApiJsonContext.Default.ErrorShape);
            type = error?.Type is { } raw ? raw[(raw.LastIndexOf('#') + 1)..] : null;
            message = error?.Message ?? error?.UpperMessage;
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page, say): judged by its status alone.
        }

        bool throttled = type is "ThrottlingException" or "TooManyRequestsException" or "RequestLimitExceeded" || statusCode == 429;
        bool retryable = throttled || statusCode >= 500 || (type is not null && RetryableTypes.Contains(type));
        return new TaskProtectionCallException(
            throttled ? CallFailureKind.Throttled : CallFailureKind.Error,
            retryable,
            $"ECS {action} failed with HTTP {statusCode} {type ?? "(no error type)"}: {message ?? "(no message)"}{(requestId is null ? string.Empty : $" (request id {requestId})")}.{Advice(type)}",
            statusCode,
            type,
            message,
            requestId);
    }

    private static string Advice(string? type) => type switch
    {
        "AccessDeniedException" => " Allow the caller ecs:UpdateTaskProtection, ecs:GetTaskProtection and ecs:ListTasks (see the README's IAM policies).",
        "ClusterNotFoundException" => " Check the cluster name and the region.",
        "InvalidParameterException" => " Check the task ARNs, the cluster and the minutes (1 to 2880).",
        "UnrecognizedClientException" => " The access key is not valid in this region or partition, or the session token does not belong to it.",
        "InvalidSignatureException" => " Check the secret access key and this machine's clock.",
        "MissingAuthenticationTokenException" => " The request was not signed: the endpoint may not be ECS.",
        "ExpiredTokenException" => " The session credentials expired; they are fetched again on the next call.",
        "ThrottlingException" => " The account's ECS API rate limit was reached; calls back off and retry.",
        _ => string.Empty,
    };
}
