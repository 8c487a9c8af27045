namespace TaskProtection.Testing;

/// <summary>What a fault policy is asked about.</summary>
/// <param name="Method">GET or PUT.</param>
/// <param name="Body">The request body.</param>
/// <param name="SentAt">When the client sent it.</param>
public sealed record AgentCallContext(string Method, string Body, DateTimeOffset SentAt);
