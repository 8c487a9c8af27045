namespace TaskProtection;

/// <summary>One active session, as seen by <see cref="CriticalSessionRegistry.GetActiveSessions"/>.</summary>
/// <param name="Id">The session id.</param>
/// <param name="Name">The session name.</param>
/// <param name="StartedAt">When the session was entered.</param>
/// <param name="Age">How long it has been active at the time of the snapshot.</param>
public sealed record ActiveSessionInfo(long Id, string Name, DateTimeOffset StartedAt, TimeSpan Age);
