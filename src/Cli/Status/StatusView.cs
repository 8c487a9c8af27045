using System.Globalization;
using Spectre.Console;

namespace TaskProtection.Cli.Status;

/// <summary>The status as a small table, for a person.</summary>
internal static class StatusView
{
    public static Table Render(ProtectionReport report)
    {
        var table = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("field").AddColumn("value");
        table.AddRow("Protection", report.ProtectionEnabled ? "[green]on[/]" : "[yellow]off[/]");
        table.AddRow("Expires", report.ExpirationDate is { } expiry ? expiry.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "-");
        table.AddRow("Time left", report.TimeLeft is { } left ? FormatSpan(left) : "-");
        table.AddRow("Task", Markup.Escape(report.TaskArn ?? "(not reported)"));
        table.AddRow("Agent", Markup.Escape(report.AgentUri));
        table.AddRow("Read at", report.ReadAt.ToUniversalTime().ToString("HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
        return table;
    }

    public static Table RenderError(string message, DateTimeOffset at)
    {
        var table = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("field").AddColumn("value");
        table.AddRow("Agent", "[red]" + Markup.Escape(message) + "[/]");
        table.AddRow("Read at", at.ToUniversalTime().ToString("HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
        return table;
    }

    public static string FormatSpan(TimeSpan span) => span.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h {span.Minutes:00}m {span.Seconds:00}s")
        : string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m {span.Seconds:00}s");
}
