using System.Globalization;
using System.Text.Json;

namespace TaskProtection;

/// <summary>
/// Turns an ECS API error answer into a <see cref="TaskProtectionCallException"/>, reading the error's name as the AWS
/// SDKs do (the Smithy awsJson1_1 error tests): the <c>X-Amzn-ErrorType</c> header first, then the body's <c>code</c>,
/// then its <c>__type</c>; each cut at its first <c>:</c> (a URI may follow) and then after its last <c>#</c> (a
/// namespace may precede). With no name at all the HTTP status stands for it, as in botocore.
/// </summary>
internal static class EcsApiErrors
{
    public static TaskProtectionCallException FromAnswer(EcsApiResponse response, string action)
    {
        int statusCode = response.StatusCode;
        string? requestId = response.RequestId;
        (string? named, string? message) = ReadBody(response.Body);
        string code = Code(response.ErrorType, named, statusCode);
        bool throttled = EcsErrorCodes.IsThrottling(code) || statusCode == 429;
        return new TaskProtectionCallException(
            throttled ? CallFailureKind.Throttled : CallFailureKind.Error,
            throttled || EcsErrorCodes.IsRetryable(code, statusCode),
            $"ECS {action} failed with HTTP {statusCode} {code}: {message ?? "(no message)"}{(requestId is null ? string.Empty : $" (request id {requestId})")}.{Advice(code, action)}",
            statusCode,
            code,
            message,
            requestId);
    }

    /// <summary>The error's name, as <see cref="FromAnswer"/> reads it.</summary>
    public static string Code(EcsApiResponse response) => Code(response.ErrorType, ReadBody(response.Body).Name, response.StatusCode);

    private static string Code(string? header, string? named, int statusCode) =>
        ErrorCode(header ?? named) ?? statusCode.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The error's name without URI or namespace: <c>aws.protocoltests.json#FooError:http://internal.amazon.com/…</c>
    /// is <c>FooError</c>. Null when there is none.
    /// </summary>
    public static string? ErrorCode(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        string code = raw.Trim();
        int colon = code.IndexOf(':', StringComparison.Ordinal);
        code = colon >= 0 ? code[..colon] : code;
        code = code[(code.LastIndexOf('#') + 1)..];
        return code.Length == 0 ? null : code;
    }

    /// <summary>The body's error name (<c>code</c> before <c>__type</c>) and message; nothing for a body that is not JSON.</summary>
    private static (string? Name, string? Message) ReadBody(byte[] body)
    {
        try
        {
            ErrorShape? error = JsonSerializer.Deserialize(body, EcsApiJsonContext.Default.ErrorShape);
            return (ErrorCode(error?.Code) is not null ? error?.Code : error?.Type, error?.Message ?? error?.UpperMessage);
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page, say): judged by its status alone.
            return (null, null);
        }
    }

    private static string Advice(string? type, string action) => type switch
    {
        "AccessDeniedException" when action.StartsWith("Describe", StringComparison.Ordinal) => $" Allow the caller ecs:{action} (the deployment check needs ecs:DescribeServices and ecs:DescribeTasks; see the README's IAM policies).",
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
