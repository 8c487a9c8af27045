using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using TaskProtection.Cli.Configuration;
using TaskProtection.Cli.Fleet;

namespace TaskProtection.Cli.Commands;

/// <summary><c>taskprotect list --cluster C [--service S] [--json]</c>.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var api = new ApiOptions();
        var service = new Option<string?>("--service", "-s") { Description = "Only this service's tasks. Default: every task of the cluster.", HelpName = "SERVICE" };
        Option<bool> json = CommonOptions.Json();
        var command = new Command("list", "Show which tasks of a cluster or service are protected from scale-in, until when, which hold up a deployment, and which a deployment is replacing (ECS API: ListTasks, GetTaskProtection, DescribeTasks, DescribeServices).")
        {
            service, json,
        };
        foreach (Option option in api.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parsed, cancellationToken) =>
        {
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            EcsApiTaskProtectionClient client = api.CreateClient(parsed, http);
            string cluster = parsed.GetValue(api.Cluster)!;
            string? serviceName = parsed.GetValue(service);
            IReadOnlyList<string> tasks = await ApiOptions.CallAsync(() => client.ListTasksAsync(cluster, serviceName, cancellationToken)).ConfigureAwait(false);
            EcsTaskProtectionResult protection = tasks.Count == 0
                ? new EcsTaskProtectionResult { ProtectedTasks = [], Failures = [] }
                : await ApiOptions.CallAsync(() => client.GetTaskProtectionAsync(cluster, tasks, cancellationToken)).ConfigureAwait(false);
            string[] protectedTasks = [.. protection.ProtectedTasks.Where(static t => t.ProtectionEnabled && t.TaskArn is not null).Select(static t => t.TaskArn!)];
            Replacements replacements = await ReplacementReader.ReadAsync(client, cluster, protectedTasks, cancellationToken).ConfigureAwait(false);
            FleetReport report = FleetReport.From(cluster, serviceName, protection, DateTimeOffset.UtcNow, replacements);
            if (parsed.GetValue(json))
            {
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(report, FleetJson.Output.FleetReport)).ConfigureAwait(false);
            }
            else
            {
                // Redirected output (a file, a pipe, CI logs) has no width to fit: do not wrap rows at 80 columns.
                IAnsiConsole console = AnsiConsole.Console;
                if (Console.IsOutputRedirected)
                {
                    console.Profile.Width = Math.Max(console.Profile.Width, 160);
                }

                FleetView.Write(console, report);
            }

            return report.Failures.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }
}
