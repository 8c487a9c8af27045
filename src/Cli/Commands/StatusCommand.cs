using System.CommandLine;
using TaskProtection.Cli.Configuration;
using TaskProtection.Cli.Os;
using TaskProtection.Cli.Status;

namespace TaskProtection.Cli.Commands;

/// <summary><c>taskprotect status [--json] [--watch]</c>.</summary>
internal static class StatusCommand
{
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        Option<bool> json = CommonOptions.Json();
        var watch = new Option<bool>("--watch", "-w") { Description = "Refresh until Ctrl+C (with --json: one JSON object per line)." };
        var interval = new Option<TimeSpan>("--interval")
        {
            Description = "How often --watch asks the agent; at least 1s. Each reading is an ECS API call, which ECS throttles. Default 5s.",
            HelpName = "DURATION",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(5),
            CustomParser = DurationParser.Parse,
        };
        interval.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<TimeSpan>() is var value && value < MinimumInterval && value > TimeSpan.Zero)
            {
                result.AddError($"--interval must be at least {MinimumInterval.TotalSeconds:0}s: every reading is a call to ECS.");
            }
        });
        Option<FileInfo?> config = CommonOptions.Config();
        Option<Uri?> agentUri = CommonOptions.AgentUri();
        var command = new Command("status", "Ask this task's ECS agent whether the task is protected, until when, and which task it is.")
        {
            json, watch, interval, config, agentUri,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            LoadedOptions loaded = OptionsLoader.Load(parsed.GetValue(config), agentUriFlag: parsed.GetValue(agentUri));
            Uri address = loaded.AgentUri ?? throw new CliException(
                $"no ECS agent: {EcsAgentClient.AgentUriVariable} is not set. Run this inside an ECS task (for example with 'aws ecs execute-command'), or pass --agent-uri.");
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var client = new EcsAgentClient(http, address, loaded.Options.RequestTimeout);
            var reader = new StatusReader(client, address, TimeProvider.System, Console.Out);
            if (!parsed.GetValue(watch))
            {
                return await reader.PrintOnceAsync(parsed.GetValue(json), cancellationToken).ConfigureAwait(false);
            }

            // Ctrl+C (SIGINT) or SIGTERM ends the watch normally.
            using var stop = new CancellationTokenSource();
            using var signals = new SignalRelay();
            _ = signals.ReadAsync(stop.Token).ContinueWith(static (_, s) => ((CancellationTokenSource)s!).Cancel(), stop, CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            return await reader.WatchAsync(parsed.GetValue(json), parsed.GetValue(interval), stop.Token).ConfigureAwait(false);
        });
        return command;
    }
}
