using TaskProtection.Cli.Tests.Infrastructure;

namespace TaskProtection.Cli.Tests;

/// <summary>Usage errors exit 2 and print usage; --help works for every command.</summary>
public sealed class UsageTests
{
    [Theory]
    [InlineData(new string[0], "Required command was not provided")]
    [InlineData(new[] { "protectt" }, "Unrecognized command or argument 'protectt'")]
    [InlineData(new[] { "protect" }, "Option '--task' is required")]
    [InlineData(new[] { "list" }, "Option '--cluster' is required")]
    [InlineData(new[] { "run" }, "Required argument missing for command: 'run'")]
    [InlineData(new[] { "run", "--drain-timeout", "soon", "--", "true" }, "'soon' is not a positive duration")]
    [InlineData(new[] { "status", "--interval", "100ms" }, "--interval must be at least 1s")]
    [InlineData(new[] { "status", "--agent-uri", "169.254.170.2" }, "is not an absolute http(s) address")]
    [InlineData(new[] { "check", "--minutes", "0" }, "--minutes must be between 1 and 1440")]
    [InlineData(new[] { "fake-agent", "--port", "70000" }, "--port must be between 0 and 65535")]
    [InlineData(new[] { "fake-agent", "--fault", "throttling:0" }, "how many calls get it")]
    public async Task A_usage_error_exits_2_with_the_error_and_the_usage(string[] arguments, string error)
    {
        (int exitCode, string output) = await Tool.RunAsync(arguments);

        Assert.True(exitCode == 2, output);
        Assert.Contains(error, output, StringComparison.Ordinal);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run", "--drain-timeout")]
    [InlineData("status", "--watch")]
    [InlineData("check", "--svg")]
    [InlineData("list", "--endpoint-url")]
    [InlineData("protect", "--minutes")]
    [InlineData("unprotect", "--reason")]
    [InlineData("fake-agent", "--fault")]
    public async Task Every_command_has_help(string command, string option)
    {
        (int exitCode, string output) = await Tool.RunAsync([command, "--help"]);

        Assert.Equal(0, exitCode);
        Assert.Contains(option, output, StringComparison.Ordinal);
    }
}
