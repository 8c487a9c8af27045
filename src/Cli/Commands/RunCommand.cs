using System.CommandLine;
using Microsoft.Extensions.Logging;
using TaskProtection.Cli.Configuration;
using TaskProtection.Cli.Run;

namespace TaskProtection.Cli.Commands;

/// <summary><c>taskprotect run [--name NAME] -- COMMAND [ARGS…]</c>.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var name = new Option<string?>("--name") { Description = "The critical session's name in logs and status. Default: the command's file name.", HelpName = "NAME" };
        var drainTimeout = new Option<TimeSpan?>("--drain-timeout")
        {
            Description = "After the first SIGTERM or SIGINT, how long the command may still run, protected, before it gets SIGTERM. Default: DrainTimeout from the configuration (20 s).",
            HelpName = "DURATION",
            CustomParser = result => DurationParser.Parse(result),
        };
        var commandLine = new Argument<string[]>("command")
        {
            Description = "The command to run and its arguments, after --. Its exit code, output and error are the tool's.",
            Arity = ArgumentArity.OneOrMore,
        };
        Option<FileInfo?> config = CommonOptions.Config();
        Option<Uri?> agentUri = CommonOptions.AgentUri();
        Option<bool> verbose = CommonOptions.Verbose();
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No summary line after the command exits (warnings and errors still print)." };
        var command = new Command("run", "Run a command inside one critical session: protected before it starts, renewed without a gap while it runs, released after it exits.")
        {
            name, drainTimeout, config, agentUri, verbose, quiet, commandLine,
        };
        command.SetAction(async (parsed, _) =>
        {
            string[] words = parsed.GetRequiredValue(commandLine);
            TimeSpan? drain = parsed.GetValue(drainTimeout);
            LoadedOptions loaded = OptionsLoader.Load(parsed.GetValue(config), o => o.DrainTimeout = drain ?? o.DrainTimeout, parsed.GetValue(agentUri));
            OptionsLoader.Validate(loaded);
            using ILoggerFactory loggers = ToolLogging.Create(parsed.GetValue(verbose));
            var request = new RunRequest(words, parsed.GetValue(name) ?? Path.GetFileName(words[0]), parsed.GetValue(quiet));
            return await new JobRunner(request, loaded, loggers).RunAsync().ConfigureAwait(false);
        });
        return command;
    }
}
