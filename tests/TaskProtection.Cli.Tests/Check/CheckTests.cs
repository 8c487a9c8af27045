using System.Xml.Linq;
using TaskProtection.Cli.Tests.Infrastructure;

namespace TaskProtection.Cli.Tests.Check;

/// <summary><c>taskprotect check</c>: the same validation as start-up, what the numbers mean, and the real schedule.</summary>
public sealed class CheckTests
{
    [Fact]
    public async Task The_defaults_are_valid_and_the_report_gives_their_meaning_and_schedule()
    {
        (int exitCode, string output) = await Tool.RunAsync(["check"]);

        Assert.True(exitCode == 0, output);
        Assert.Contains("7 min per enable", output, StringComparison.Ordinal);
        Assert.Contains("Renewal period     5 min in practice", output, StringComparison.Ordinal);
        Assert.Contains("5 consecutive failed renewals", output, StringComparison.Ordinal);
        Assert.Contains("2 h of continuous protection (MaxProtectionDuration); no new session in its last 1 h (MaxProtectionDrain)", output, StringComparison.Ordinal);

        // Half an hour: the acquire at 0:00, renewals every 5 minutes, the release ReleaseDelay after the session.
        Assert.Contains("0:00  acquire  asks 7 min: lease ends 7:00, next renewal due 5:00", output, StringComparison.Ordinal);
        Assert.Contains("25:00  renew    asks 7 min: lease ends 32:00", output, StringComparison.Ordinal);
        Assert.Contains("30:05  release", output, StringComparison.Ordinal);
        Assert.Contains("Protection held without a gap", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configuration_whose_buffer_cannot_absorb_a_failure_exits_1_naming_the_inequality_and_its_values()
    {
        string settings = """{ "TaskProtection": { "ProtectionBuffer": "00:00:15", "CheckInterval": "00:00:05" } }""";

        (int exitCode, string output) = await Tool.RunAsync(["check"], appSettings: settings);

        Assert.True(exitCode == 1, output);
        Assert.Contains("ProtectionBuffer ≥ (k+1)·RequestTimeout + Σ retry delay caps + (2k+2)·(SchedulingTolerance + 1 ms) fails", output, StringComparison.Ordinal);
        Assert.Contains("ProtectionBuffer = 15 s, needed 29.004 s", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Timeline", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cap_inside_the_timeline_shows_the_shortened_last_renewal_the_warning_and_the_cool_down()
    {
        string file = Path.Combine(Path.GetTempPath(), $"cap-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{ "TaskProtection": { "MaxProtectionDuration": "00:20:00" } }""");
        try
        {
            (int exitCode, string output) = await Tool.RunAsync(["check", "--config", file]);

            Assert.True(exitCode == 0, output);
            Assert.Contains("15:00  renew    asks 5 min: lease ends 20:00, the cap", output, StringComparison.Ordinal);
            Assert.Contains("18:00  told     ProtectionLost (MaxDurationReached)", output, StringComparison.Ordinal);
            Assert.Contains("25:00  acquire", output, StringComparison.Ordinal);
            Assert.Contains("Unprotected while the session ran: 20:00–25:00 (the application was told first", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Svg_writes_a_well_formed_picture_of_the_same_schedule()
    {
        using Tool tool = Tool.Start(["check", "--svg", "schedule.svg"]);
        (int exitCode, _) = await tool.Process.WaitForExitAsync(Tool.Bound);

        Assert.True(exitCode == 0, tool.Process.Output);
        XDocument picture = XDocument.Load(Path.Combine(tool.WorkingDirectory, "schedule.svg"));
        XNamespace svg = "http://www.w3.org/2000/svg";
        Assert.Equal(svg + "svg", picture.Root!.Name);
        // Seven enables (acquire and six renewals), each a lease and a buffer (the legend's swatches have no title).
        string[] titles = [.. picture.Descendants(svg + "rect").Select(r => r.Element(svg + "title")?.Value).OfType<string>()];
        Assert.Equal(7, titles.Count(t => t.StartsWith("lease 7 min", StringComparison.Ordinal)));
        Assert.Equal(7, titles.Count(t => t.StartsWith("buffer", StringComparison.Ordinal)));
        // After the session the task is released: drawn neutral, not as a gap.
        Assert.DoesNotContain(titles, t => t.StartsWith("unprotected", StringComparison.Ordinal));
        XElement released = Assert.Single(picture.Descendants(svg + "rect"), r => r.Element(svg + "title")?.Value.StartsWith("released 30:05", StringComparison.Ordinal) == true);
        Assert.Equal("#bdbdbd", released.Attribute("fill")!.Value);
        Assert.Contains(picture.Descendants(svg + "text"), t => t.Value == "acquire");

        // A legend names every colour; the axis ends with the data (30:06), its last tick at 30:00, not 40:00.
        string[] texts = [.. picture.Descendants(svg + "text").Select(t => t.Value)];
        Assert.Contains("buffer (renewal due)", texts);
        Assert.Contains("ECS: unprotected while the session ran", texts);
        Assert.Contains("ECS: released after it", texts);
        Assert.Contains("30:00", texts);
        Assert.DoesNotContain("40:00", texts);
        double right = picture.Descendants(svg + "rect").Max(r => double.Parse(r.Attribute("x")!.Value, System.Globalization.CultureInfo.InvariantCulture) + double.Parse(r.Attribute("width")!.Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(right, 809, 811); // Left 90 + Width 720, give or take a half-pixel sliver
    }

    [Fact]
    public async Task Svg_draws_a_gap_while_the_session_ran_in_red()
    {
        using Tool tool = Tool.Start(["check", "--svg", "capped.svg"], appSettings: """{ "TaskProtection": { "MaxProtectionDuration": "00:20:00" } }""");
        (int exitCode, _) = await tool.Process.WaitForExitAsync(Tool.Bound);

        Assert.True(exitCode == 0, tool.Process.Output);
        XDocument picture = XDocument.Load(Path.Combine(tool.WorkingDirectory, "capped.svg"));
        XNamespace svg = "http://www.w3.org/2000/svg";
        XElement gap = Assert.Single(picture.Descendants(svg + "rect"), r => r.Element(svg + "title")?.Value == "unprotected 20:00–25:00");
        Assert.Equal("#e53935", gap.Attribute("fill")!.Value);
    }

    [Fact]
    public async Task Json_gives_the_figures_and_the_schedule_to_a_script()
    {
        (int exitCode, string output) = await Tool.RunAsync(["check", "--json"]);

        Assert.True(exitCode == 0, output);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        System.Text.Json.JsonElement root = json.RootElement;
        Assert.True(root.GetProperty("valid").GetBoolean());
        Assert.Equal(7, root.GetProperty("figures").GetProperty("leaseMinutes").GetInt32());
        Assert.Equal(300, root.GetProperty("figures").GetProperty("renewalPeriodSeconds").GetDouble());
        Assert.Equal(5, root.GetProperty("figures").GetProperty("toleratedFailures").GetInt32());
        double[] enables = [.. root.GetProperty("timeline").GetProperty("enables").EnumerateArray().Select(e => e.GetProperty("atSeconds").GetDouble())];
        Assert.Equal([0, 300, 600, 900, 1200, 1500, 1800], enables);
        Assert.Equal([1805.0], root.GetProperty("timeline").GetProperty("releasesSeconds").EnumerateArray().Select(r => r.GetDouble()));
    }

    [Fact]
    public async Task Json_of_a_rejected_configuration_lists_each_failed_rule_and_exits_1()
    {
        (int exitCode, string output) = await Tool.RunAsync(["check", "--json"], appSettings: """{ "TaskProtection": { "ProtectionBuffer": "00:00:15", "CheckInterval": "00:00:05" } }""");

        Assert.True(exitCode == 1, output);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
        Assert.Contains(json.RootElement.GetProperty("failures").EnumerateArray(), f => f.GetString()!.StartsWith("ProtectionBuffer ≥ (k+1)·RequestTimeout", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "TaskProtection": { "ReleaseDelai": "00:00:05" } }""", "Unknown setting TaskProtection:ReleaseDelai: did you mean ReleaseDelay?")]
    [InlineData("""{ "TaskProtection": { "EcsApi": { "Regoin": "eu-west-1" } } }""", "Unknown setting TaskProtection:EcsApi:Regoin: did you mean Region?")]
    [InlineData("""{ "TaskProtection": { "ReleaseDelay": "five seconds" } }""", "TaskProtection:ReleaseDelay")]
    [InlineData("""{ "TaskProtection": { "ReleaseDelay": """, "appsettings.json")]
    public async Task A_broken_configuration_file_exits_1_saying_what_is_wrong(string settings, string named)
    {
        (int exitCode, string output) = await Tool.RunAsync(["check"], appSettings: settings);

        Assert.True(exitCode == 1, output);
        Assert.Contains(named, output, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected error", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Environment_variables_override_the_file_as_in_the_library()
    {
        var environment = new Dictionary<string, string> { ["TaskProtection__ExtensionInterval"] = "00:10:00" };

        (int exitCode, string output) = await Tool.RunAsync(["check"], environment: environment, appSettings: """{ "TaskProtection": { "ExtensionInterval": "00:01:00" } }""");

        Assert.True(exitCode == 0, output);
        Assert.Contains("12 min per enable", output, StringComparison.Ordinal);
    }
}
