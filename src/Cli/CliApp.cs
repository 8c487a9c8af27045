using System.CommandLine;
using System.CommandLine.Invocation;
using TaskProtection.Cli.Commands;

namespace TaskProtection.Cli;

/// <summary>
/// The command tree and the exit-code rules: a usage error prints the errors and the command's usage on standard
/// error and exits 2; a <see cref="CliException"/> prints its message and exits with its code; anything else exits 1.
/// </summary>
internal static class CliApp
{
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("Protect any command from ECS scale-in, see a task's protection, check a TaskProtection configuration, list, protect or unprotect a service's tasks through the ECS API, and run a fake ECS agent to try it all locally.")
        {
            RunCommand.Create(),
            StatusCommand.Create(),
            CheckCommand.Create(),
            ListCommand.Create(),
            ProtectCommand.CreateProtect(),
            ProtectCommand.CreateUnprotect(),
            FakeAgentCommand.Create(),
        };
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        ParseResult parsed = CreateRoot().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            if (parsed.Action is ParseErrorAction usage)
            {
                usage.ShowHelp = true;
            }

            // Usage goes to standard error, so that a script reading standard output never mistakes it for data.
            await parsed.InvokeAsync(new InvocationConfiguration { Output = Console.Error, Error = Console.Error }).ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        try
        {
            // The tool handles SIGTERM and SIGINT itself (run drains its command first): no termination handling here.
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                ProcessTerminationTimeout = null,
                EnableDefaultExceptionHandler = false,
            }).ConfigureAwait(false);
        }
        catch (CliException failure)
        {
            await Console.Error.WriteLineAsync("taskprotect: " + failure.Message).ConfigureAwait(false);
            return failure.ExitCode;
        }
        catch (Exception unexpected) when (unexpected is not OutOfMemoryException)
        {
            await Console.Error.WriteLineAsync("taskprotect: unexpected error, please report it: " + unexpected).ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }
}
