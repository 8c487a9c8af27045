namespace TaskProtection.Testing;

/// <summary>An answer of the model, before any transport.</summary>
/// <param name="StatusCode">HTTP status.</param>
/// <param name="ContentType">The Content-Type header as sent (none when empty).</param>
/// <param name="Body">Body text.</param>
public sealed record AgentAnswer(int StatusCode, string ContentType, string Body);
