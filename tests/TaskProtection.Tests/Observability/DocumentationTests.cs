using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using TaskProtection.Tests.Shared;

namespace TaskProtection.Tests.Observability;

/// <summary>docs/observability.md lists every log event and every instrument name the code uses, exactly.</summary>
public sealed partial class DocumentationTests
{
    private static string Document() => File.ReadAllText(RepositoryFiles.Path("docs", "observability.md"));

    [Fact]
    public void Every_log_event_is_documented_with_its_level_and_message()
    {
        Type[] logs =
        [
            typeof(TaskProtectionManager).Assembly.GetType("TaskProtection.Log", throwOnError: true)!,
            typeof(TaskProtection.Quartz.QuartzTaskProtectionOptions).Assembly.GetType("TaskProtection.Quartz.Log", throwOnError: true)!,
            typeof(TaskProtection.MassTransit.DoNotProtectConsumerAttribute).Assembly.GetType("TaskProtection.MassTransit.Log", throwOnError: true)!,
            typeof(TaskProtection.Hangfire.HangfireTaskProtectionOptions).Assembly.GetType("TaskProtection.Hangfire.Log", throwOnError: true)!,
            typeof(EcsApiTaskProtectionClient).Assembly.GetType("TaskProtection.DeploymentLog", throwOnError: true)!,
        ];
        string document = Document();
        var events = logs.SelectMany(static log => log.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .Select(static m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .ToArray();
        Assert.True(events.Length >= 21);
        foreach (LoggerMessageAttribute e in events)
        {
            // An event whose level depends on what happened (1030) takes the level as a parameter and lists the levels it uses.
            string level = e.Level == LogLevel.None ? "Critical, Error or Warning" : e.Level.ToString();
            Assert.Contains($"| {e.EventId} | {level} | {e.Message} |", document, StringComparison.Ordinal);
        }

        int[] documented = EventRow().Matches(document).Select(static m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(events.Select(static e => e.EventId).Order(), documented.Order());
    }

    [Fact]
    public void Every_instrument_and_tag_name_is_documented()
    {
        string document = Document();
        foreach (FieldInfo field in typeof(TaskProtectionDiagnostics).GetFields(BindingFlags.Public | BindingFlags.Static).Where(static f => f.IsLiteral))
        {
            Assert.Contains((string)field.GetRawConstantValue()!, document, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"^\| (\d{4}) \|", RegexOptions.Multiline)]
    private static partial Regex EventRow();
}
