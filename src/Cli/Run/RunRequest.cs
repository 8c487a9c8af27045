namespace TaskProtection.Cli.Run;

/// <summary>What <c>taskprotect run</c> was asked to do.</summary>
/// <param name="Command">The command and its arguments; at least the command.</param>
/// <param name="SessionName">The critical session's name, as logs and status show it.</param>
/// <param name="Quiet">No summary line after the command exits.</param>
internal sealed record RunRequest(IReadOnlyList<string> Command, string SessionName, bool Quiet = false);
