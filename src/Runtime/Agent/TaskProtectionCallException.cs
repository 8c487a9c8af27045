namespace TaskProtection;

/// <summary>
/// A failed task-protection call, through the ECS agent's endpoint or the ECS API, with everything the answer said
/// about it. <see cref="IsRetryable"/> says whether trying again can help.
/// </summary>
public sealed class TaskProtectionCallException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">The kind of failure.</param>
    /// <param name="isRetryable">Whether trying again can help.</param>
    /// <param name="message">What happened and what to do.</param>
    /// <param name="statusCode">The HTTP status, when a response arrived.</param>
    /// <param name="code">The error code or failure reason.</param>
    /// <param name="reason">The error message or failure detail.</param>
    /// <param name="requestId">The ECS request id, when present.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public TaskProtectionCallException(
        CallFailureKind kind,
        bool isRetryable,
        string message,
        int? statusCode = null,
        string? code = null,
        string? reason = null,
        string? requestId = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        IsRetryable = isRetryable;
        StatusCode = statusCode;
        Code = code;
        Reason = reason;
        RequestId = requestId;
    }

    /// <summary>Creates the exception with a message only (a non-retryable malformed response).</summary>
    /// <param name="message">What happened.</param>
    public TaskProtectionCallException(string message)
        : this(CallFailureKind.MalformedResponse, false, message)
    {
    }

    /// <summary>Creates the exception with a message and cause (a non-retryable malformed response).</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public TaskProtectionCallException(string message, Exception innerException)
        : this(CallFailureKind.MalformedResponse, false, message, innerException: innerException)
    {
    }

    /// <summary>Creates the exception with no details.</summary>
    public TaskProtectionCallException()
        : this("The task-protection call failed.")
    {
    }

    /// <summary>The kind of failure.</summary>
    public CallFailureKind Kind { get; }

    /// <summary>Whether trying again can help: throttling, 429, 5xx, timeouts and broken connections.</summary>
    public bool IsRetryable { get; }

    /// <summary>The HTTP status, when a response arrived.</summary>
    public int? StatusCode { get; }

    /// <summary>The error code (<c>ThrottlingException</c>, <c>AccessDeniedException</c>…) or failure reason (<c>TASK_NOT_VALID</c>…).</summary>
    public string? Code { get; }

    /// <summary>The error message or failure detail.</summary>
    public string? Reason { get; }

    /// <summary>The ECS request id, when the answer carried one.</summary>
    public string? RequestId { get; }
}
