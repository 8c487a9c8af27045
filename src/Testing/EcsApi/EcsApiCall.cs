namespace TaskProtection.Testing;

/// <summary>One call an <see cref="EcsApiModel"/> received.</summary>
/// <param name="ReceivedAt">When it was received.</param>
/// <param name="Action">The action, such as <c>UpdateTaskProtection</c>.</param>
/// <param name="Body">The request body.</param>
/// <param name="StatusCode">The status answered.</param>
/// <param name="ErrorType">The error type answered, if any.</param>
public sealed record EcsApiCall(DateTimeOffset ReceivedAt, string Action, string Body, int StatusCode, string? ErrorType);
