using System.ComponentModel;
using System.Diagnostics;

namespace TaskProtection.Cli.Run;

/// <summary>
/// Starts the command with the tool's own standard input, output and error, so that its output reaches the caller
/// byte for byte. A command that cannot be started is reported as a shell would: 127 not found, 126 not executable.
/// </summary>
internal static class ChildLauncher
{
    private const int ENOENT = 2;
    private const int ENOEXEC = 8;
    private const int EACCES = 13;

    public static Process Start(IReadOnlyList<string> command)
    {
        var info = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (string argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            return Process.Start(info) ?? throw new CliException($"{command[0]}: the command did not start.");
        }
        catch (Win32Exception failure)
        {
            throw failure.NativeErrorCode switch
            {
                ENOENT => new CliException($"{command[0]}: command not found (not a file, and not on PATH).", ExitCodes.NotFound),
                EACCES or ENOEXEC => new CliException($"{command[0]}: cannot execute ({failure.Message}); is it marked executable, with a valid #! line?", ExitCodes.NotExecutable),
                _ => new CliException($"{command[0]}: could not start: {failure.Message}", ExitCodes.NotExecutable),
            };
        }
    }
}
