namespace TaskProtection.Cli;

/// <summary>The tool's own exit codes; <c>run</c> otherwise exits with its command's code.</summary>
internal static class ExitCodes
{
    /// <summary>The operation succeeded.</summary>
    public const int Success = 0;

    /// <summary>The operation failed; the message on standard error says why.</summary>
    public const int Failed = 1;

    /// <summary>The command line was wrong; usage was printed.</summary>
    public const int Usage = 2;

    /// <summary>The command exists but could not be executed (as a shell says).</summary>
    public const int NotExecutable = 126;

    /// <summary>The command was not found (as a shell says).</summary>
    public const int NotFound = 127;

    /// <summary>What a shell reports for a process ended by <paramref name="signal"/>.</summary>
    public static int FromSignal(int signal) => 128 + signal;
}
