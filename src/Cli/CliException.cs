namespace TaskProtection.Cli;

/// <summary>A failure the user can fix: its message is printed as is, and the tool exits with <see cref="ExitCode"/>.</summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.Failed) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
