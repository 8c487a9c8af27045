using System.Globalization;
using Spectre.Console;
using TaskProtection.Cli.Status;

namespace TaskProtection.Cli.Fleet;

/// <summary>The fleet as a table and a sentence that says what blocks scale-in and deployments, for a person.</summary>
internal static class FleetView
{
    public static void Write(IAnsiConsole console, FleetReport report)
    {
        // A task ID is 32 characters: never wrapped, so it can be copied from the table.
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("Task").NoWrap()).AddColumn("Protected").AddColumn(new TableColumn("Expires (UTC)").NoWrap()).AddColumn("Time left")
            .AddColumn("Being replaced");
        foreach (TaskRow task in report.Tasks)
        {
            table.AddRow(
                Markup.Escape(task.Id),
                task.ProtectionEnabled ? "[yellow]yes[/]" : "no",
                task.ExpirationDate is { } expiry && task.ProtectionEnabled ? expiry.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "-",
                task.SecondsLeft is { } seconds ? StatusView.FormatSpan(TimeSpan.FromSeconds(seconds)) : "-",
                Markup.Escape(Replacing(task)));
        }

        console.Write(table);
        foreach (EcsApiFailure failure in report.Failures)
        {
            console.MarkupLine($"[red]{Markup.Escape($"{failure.Arn}: {failure.Reason}{(failure.Detail is null ? string.Empty : $" ({failure.Detail})")}")}[/]");
        }

        if (report.ReplacementsUnknown is { } why)
        {
            console.MarkupLine($"[yellow]{Markup.Escape($"Could not tell which tasks a deployment is replacing: {why}")}[/]");
        }

        console.Profile.Out.Writer.WriteLine(Summary(report));
    }

    /// <summary>The replacement column: since when and by which deployment, "no", "?" when unknown, "-" when not protected.</summary>
    private static string Replacing(TaskRow task) => task switch
    {
        { ProtectionEnabled: false } => "-",
        { BeingReplaced: true } => $"yes, since {task.ReplacedSince?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "?"} ({task.ReplacedBy})",
        { BeingReplaced: false } => "no",
        _ => "?",
    };

    public static string Summary(FleetReport report)
    {
        string scope = report.Service is null ? $"cluster {report.Cluster}" : $"service {report.Service}";
        if (report.ProtectedCount == 0)
        {
            return $"{report.Tasks.Count} tasks in {scope}; none protected: nothing blocks scale-in or deployments.";
        }

        TimeSpan left = report.LastExpiration is { } last ? last - report.ReadAt : TimeSpan.Zero;
        string replaced = report.BeingReplacedCount == 0 ? string.Empty
            : $"{report.BeingReplacedCount} of them a deployment is replacing: ECS stops each as soon as it is unprotected (a TaskProtection worker with drain on deployment takes no new work and releases when its running jobs end). ";
        return $"{report.Tasks.Count} tasks in {scope}; {report.ProtectedCount} protected: ECS will not scale them in, and a deployment waits for them " +
               $"(the last protection ends in {StatusView.FormatSpan(left < TimeSpan.Zero ? TimeSpan.Zero : left)} unless renewed). {replaced}" +
               "To release one now: taskprotect unprotect --cluster CLUSTER --task TASK --reason TEXT.";
    }
}
