using System.Globalization;
using TaskProtection.Cli.Tests.Infrastructure;
using TaskProtection.Testing;
using TaskProtection.Tests.Shared;

namespace TaskProtection.Cli.Tests.Packaging;

/// <summary>
/// The tool as a user gets it: packed into a local feed, installed with <c>dotnet tool install</c> into a directory of
/// its own, and run from there, away from the repository.
/// </summary>
public sealed class PackagedToolTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);
    private readonly string _work = Directory.CreateTempSubdirectory("taskprotect-package-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task The_installed_tool_protects_a_command_checks_a_configuration_and_reads_status()
    {
        // Packs what the test run already built (CI builds Debug), with a version of its own so no cache can answer.
        string version = "0.0.0-tool." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        string feed = Path.Combine(_work, "feed");
        string tools = Path.Combine(_work, "tools");
        string project = Path.Combine(RepositoryFiles.Root, "src", "Cli", "TaskProtection.Cli.csproj");
        string configuration = Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)))!;
        await RunAsync("dotnet", ["pack", project, "-c", configuration, "--no-build", "-o", feed, $"-p:Version={version}", "-nologo"]);
        await RunAsync("dotnet", ["tool", "install", "TaskProtection.Cli", "--version", version, "--tool-path", tools, "--add-source", feed]);
        string taskprotect = Path.Combine(tools, "taskprotect");

        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        var withAgent = new Dictionary<string, string> { ["ECS_AGENT_URI"] = agent.AgentUri.AbsoluteUri };
        (int ran, string runOutput) = await RunAsync(taskprotect, ["run", "--", "sh", "-c", "echo from-the-job; exit 6"], withAgent, expectSuccess: false);
        Assert.True(ran == 6, runOutput);
        Assert.Contains("from-the-job", runOutput, StringComparison.Ordinal);
        Assert.Single(agent.Model.Enables());
        Assert.Single(agent.Model.Disables());

        (_, string status) = await RunAsync(taskprotect, ["status", "--json"], withAgent);
        Assert.Contains("\"protectionEnabled\":false", status, StringComparison.Ordinal);
        (_, string check) = await RunAsync(taskprotect, ["check", "--minutes", "10"]);
        Assert.Contains("Protection held without a gap", check, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, bool expectSuccess = true)
    {
        (int exitCode, string output) = await CommandRunner.RunAsync(file, arguments, _work, Bound, environment);
        Assert.True(!expectSuccess || exitCode == 0, $"{CommandRunner.Describe(file, arguments)} exited with {exitCode}:{Environment.NewLine}{output}");
        return (exitCode, output);
    }
}
