namespace TaskProtection.Testing;

/// <summary>An error answer of the ECS API.</summary>
/// <param name="StatusCode">HTTP status.</param>
/// <param name="Type">The error type, as in <c>__type</c>.</param>
/// <param name="Message">The message.</param>
public sealed record EcsApiError(int StatusCode, string Type, string Message);
