namespace TaskProtection.Testing;

/// <summary>
/// The answer of a <see cref="AgentFaultKind.Scripted"/> fault: written in full by the caller (<see cref="Raw"/>, given
/// before the agent reads the request), or composed from the task ARN where the agent would pass on ECS's answer.
/// </summary>
/// <param name="Raw">Whether the answer replaces everything the agent would do, its request checks included.</param>
/// <param name="Compose">The answer, from the task ARN.</param>
internal sealed record AgentScript(bool Raw, Func<string, AgentAnswer> Compose);
