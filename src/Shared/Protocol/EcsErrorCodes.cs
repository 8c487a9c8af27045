namespace TaskProtection;

/// <summary>
/// Whether retrying can help after an error code, from ECS (through the agent or the API) or from the agent itself: one
/// explicit table, so that a code decides whatever status it came with, and only an unknown code falls back on the
/// status (5xx and 429 retryable, other 4xx not). Compiled into the runtime and the ECS API package.
/// </summary>
internal static class EcsErrorCodes
{
    /// <summary>Codes of throttling: retryable, and reported as <see cref="CallFailureKind.Throttled"/>.</summary>
    private static readonly HashSet<string> Throttling = new(StringComparer.Ordinal)
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
    };

    /// <summary>Codes after which the same call can succeed later: a server fault, a timeout, stale credentials or signature time.</summary>
    private static readonly HashSet<string> Retryable = new(StringComparer.Ordinal)
    {
        "ServerException",
        "ServiceUnavailableException",
        "ServiceUnavailable",
        "InternalFailure",
        "InternalError",
        "RequestCanceled",
        "RequestTimeout",
        "RequestTimeoutException",
        "ExpiredTokenException",
        "ExpiredToken",
        "RequestExpired",
        "IDPCommunicationError",
    };

    /// <summary>Codes after which the same call fails again: it is refused, malformed, or aimed at nothing.</summary>
    private static readonly HashSet<string> NotRetryable = new(StringComparer.Ordinal)
    {
        "AccessDeniedException",
        "InvalidParameterException",
        "ClientException",
        "ResourceNotFoundException",
        "ClusterNotFoundException",
        "UnsupportedFeatureException",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "IncompleteSignatureException",
        "MissingAuthenticationTokenException",
        "InvalidClientTokenId",
        "ValidationException",
        "UnknownOperationException",
        "SerializationException",
        "OptInRequired",
    };

    /// <summary>Whether the code is a throttling code.</summary>
    public static bool IsThrottling(string? code) => code is not null && Throttling.Contains(code);

    /// <summary>Whether retrying can help: the table decides a known code; an unknown or missing one goes by the status.</summary>
    public static bool IsRetryable(string? code, int statusCode) => code switch
    {
        not null when Throttling.Contains(code) || Retryable.Contains(code) => true,
        not null when NotRetryable.Contains(code) => false,
        _ => statusCode is >= 500 or 429,
    };
}
