using TaskProtection.Testing;

namespace TaskProtection.Cli.FakeAgent;

/// <summary>One <c>--fault KIND[:N]</c>: the next <paramref name="Calls"/> calls get <paramref name="Kind"/>.</summary>
internal readonly record struct FaultStep(AgentFaultKind Kind, int Calls);
