namespace TaskProtection.Testing;

/// <summary>One call the model received.</summary>
/// <param name="ReceivedAt">When the agent received it.</param>
/// <param name="Method">GET or PUT.</param>
/// <param name="Path">The request path.</param>
/// <param name="Body">The request body (only the protection fields exist in it).</param>
/// <param name="Fault">The scripted behaviour.</param>
/// <param name="StatusCode">The status answered (or that would have been).</param>
public sealed record AgentCall(DateTimeOffset ReceivedAt, string Method, string Path, string Body, AgentFaultKind Fault, int StatusCode);
