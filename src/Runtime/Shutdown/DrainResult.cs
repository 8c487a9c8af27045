namespace TaskProtection;

/// <summary>How a drain ended: every session finished, or the bound passed with some still running.</summary>
/// <param name="Drained">True when no session was active at the end.</param>
/// <param name="Elapsed">How long the drain waited.</param>
/// <param name="Abandoned">The sessions still running when the drain gave up (empty when drained).</param>
public sealed record DrainResult(bool Drained, TimeSpan Elapsed, IReadOnlyList<ActiveSessionInfo> Abandoned);
