using System.CommandLine;
using Microsoft.Extensions.Logging;
using TaskProtection.Cli.Configuration;

namespace TaskProtection.Cli.Commands;

/// <summary>
/// <c>taskprotect protect --cluster C --task T [--minutes N]</c> and <c>taskprotect unprotect --cluster C --task T --reason R</c>:
/// set a task's protection from outside it (a dispatcher protecting the task it hands a job to; an operator's override).
/// </summary>
internal static partial class ProtectCommand
{
    /// <summary>ECS's own default when a request gives no minutes.</summary>
    private const int EcsDefaultMinutes = 120;

    public static Command CreateProtect()
    {
        var api = new ApiOptions();
        Option<string[]> task = TaskOption();
        var minutes = new Option<int>("--minutes", "-m")
        {
            Description = "How long the protection lasts, from when ECS receives the call: 1 to 2880 minutes. Default 120, as ECS's own default.",
            HelpName = "N",
            DefaultValueFactory = _ => EcsDefaultMinutes,
        };
        minutes.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 2880)
            {
                result.AddError("--minutes must be between 1 and 2880.");
            }
        });
        var command = new Command("protect", "Protect tasks from scale-in for N minutes (ECS API: UpdateTaskProtection). A task's own TaskProtection manager may change it again.") { task, minutes };
        Add(command, api);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            int expires = parsed.GetValue(minutes);
            return await UpdateAsync(parsed, api, parsed.GetValue(task)!, enable: true, expires, reason: null, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    public static Command CreateUnprotect()
    {
        var api = new ApiOptions();
        Option<string[]> task = TaskOption();
        var reason = new Option<string>("--reason", "-r")
        {
            Description = "Why the protection is removed (printed and logged, for whoever asks later why a job was lost).",
            HelpName = "TEXT",
            Required = true,
        };
        reason.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError("--reason must say why the protection is removed.");
            }
        });
        var command = new Command("unprotect", "Remove tasks' protection now, the emergency override for a blocked deployment (ECS API: UpdateTaskProtection). Jobs running there may be lost.") { task, reason };
        Add(command, api);
        command.SetAction(async (parsed, cancellationToken) =>
            await UpdateAsync(parsed, api, parsed.GetValue(task)!, enable: false, null, parsed.GetValue(reason), cancellationToken).ConfigureAwait(false));
        return command;
    }

    private static async Task<int> UpdateAsync(ParseResult parsed, ApiOptions api, string[] tasks, bool enable, int? minutes, string? reason, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using ILoggerFactory loggers = ToolLogging.Create(verbose: false);
        ILogger logger = loggers.CreateLogger("taskprotect");
        string cluster = parsed.GetValue(api.Cluster)!;
        if (reason is not null)
        {
            LogUnprotecting(logger, string.Join(", ", tasks), cluster, reason);
        }

        EcsApiTaskProtectionClient client = api.CreateClient(parsed, http);
        EcsTaskProtectionResult result = await ApiOptions.CallAsync(() => client.UpdateTaskProtectionAsync(cluster, tasks, enable, minutes, cancellationToken)).ConfigureAwait(false);
        foreach (TaskProtectionState state in result.ProtectedTasks)
        {
            string until = state.ExpirationDate is { } expiry ? $" until {expiry.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC" : string.Empty;
            await Console.Out.WriteLineAsync($"{state.TaskArn}: {(state.ProtectionEnabled ? "protected" + until : "not protected")}{(reason is null ? string.Empty : $" (reason: {reason})")}").ConfigureAwait(false);
        }

        foreach (EcsApiFailure failure in result.Failures)
        {
            await Console.Error.WriteLineAsync($"taskprotect: {failure.Arn}: {failure.Reason}{(failure.Detail is null ? string.Empty : $" ({failure.Detail})")}").ConfigureAwait(false);
        }

        return result.Failures.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static Option<string[]> TaskOption() => new("--task", "-t")
    {
        Description = "A task's ARN or ID; repeat for several.",
        HelpName = "TASK",
        Required = true,
        Arity = ArgumentArity.OneOrMore,
    };

    private static void Add(Command command, ApiOptions api)
    {
        foreach (Option option in api.All)
        {
            command.Options.Add(option);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Removing protection from {Tasks} in cluster {Cluster}: {Reason}")]
    private static partial void LogUnprotecting(ILogger logger, string tasks, string cluster, string reason);
}
