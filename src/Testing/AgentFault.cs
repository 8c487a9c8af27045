namespace TaskProtection.Testing;

/// <summary>One scripted behaviour for one agent call.</summary>
/// <param name="Kind">What happens.</param>
/// <param name="RequestDelay">Time from the client sending to the agent receiving (and applying) the call.</param>
/// <param name="ResponseDelay">Time from the agent applying the call to the client receiving the answer.</param>
public sealed record AgentFault(AgentFaultKind Kind, TimeSpan RequestDelay = default, TimeSpan ResponseDelay = default)
{
    /// <summary>A normal call with latency.</summary>
    /// <param name="requestDelay">Time until the agent receives the call.</param>
    /// <param name="responseDelay">Time until the answer arrives after that.</param>
    /// <returns>The fault.</returns>
    public static AgentFault Latency(TimeSpan requestDelay, TimeSpan responseDelay = default) => new(AgentFaultKind.None, requestDelay, responseDelay);

    /// <summary>Whether the agent applies the call (changes the protection state).</summary>
    public bool IsApplied => Kind is AgentFaultKind.None or AgentFaultKind.NoResponse or AgentFaultKind.TruncatedBody
        or AgentFaultKind.OversizedBody or AgentFaultKind.NotJson or AgentFaultKind.LateLanding;
}
