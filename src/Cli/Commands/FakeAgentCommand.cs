using System.CommandLine;
using System.CommandLine.Parsing;
using TaskProtection.Cli.Configuration;
using TaskProtection.Cli.FakeAgent;

namespace TaskProtection.Cli.Commands;

/// <summary><c>taskprotect fake-agent [--port N] [--fault KIND[:N]]… [--repeat] [--task-arn ARN] [--json]</c>.</summary>
internal static class FakeAgentCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port")
        {
            Description = "The port on 127.0.0.1 to listen on. Default 0: any free port (the first line says which).",
            HelpName = "N",
            DefaultValueFactory = _ => 0,
        };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                result.AddError("--port must be between 0 and 65535.");
            }
        });
        var faults = new Option<FaultStep[]>("--fault")
        {
            Description = $"Answer the next N calls (1 without :N) with this fault instead of normally; repeat for a script played in order. One of: {FaultNames.All}.",
            HelpName = "KIND[:N]",
            Arity = ArgumentArity.ZeroOrMore,
            CustomParser = ParseFaults,
        };
        var repeat = new Option<bool>("--repeat") { Description = "Play the --fault script again and again instead of once (--fault none:2 --fault throttling --repeat: every third call throttled)." };
        var taskArn = new Option<string?>("--task-arn") { Description = "The task ARN the agent reports. Default: a fake task of cluster fake-cluster in us-east-1.", HelpName = "ARN" };
        taskArn.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string?>()))
            {
                result.AddError("--task-arn must not be empty.");
            }
        });
        var json = new Option<bool>("--json") { Description = "Write one JSON object per line instead of text: first where the agent listens, then each call." };
        var command = new Command("fake-agent", "Run a fake ECS agent on 127.0.0.1 until Ctrl+C, to see the library or 'taskprotect run' work without ECS: prints the ECS_AGENT_URI to export, then every call and its answer.")
        {
            port, faults, repeat, taskArn, json,
        };
        command.SetAction(async (parsed, _) =>
        {
            var script = new FaultScript(parsed.GetValue(faults) ?? [], parsed.GetValue(repeat));
            return await new FakeAgentServer(parsed.GetValue(port), script, parsed.GetValue(taskArn), parsed.GetValue(json)).RunAsync().ConfigureAwait(false);
        });
        return command;
    }

    private static FaultStep[] ParseFaults(ArgumentResult result)
    {
        var steps = new List<FaultStep>();
        foreach (Token token in result.Tokens)
        {
            if (FaultNames.Parse(token.Value, out string? error) is { } step)
            {
                steps.Add(step);
            }
            else
            {
                result.AddError(error!);
            }
        }

        return [.. steps];
    }
}
