using TaskProtection.Tests.Shared;

namespace TaskProtection.Cli.Tests.Infrastructure;

/// <summary>Starts the built <c>taskprotect</c> as a real process, in an empty working directory of its own.</summary>
internal sealed class Tool : IDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private Tool(ChildProcess process, string workingDirectory)
    {
        Process = process;
        WorkingDirectory = workingDirectory;
    }

    public ChildProcess Process { get; }

    public string WorkingDirectory { get; }

    public static string AssemblyPath => ChildProcess.BuiltAssembly(Path.Combine("src", "Cli"), "taskprotect");

    /// <summary>Starts <c>taskprotect {arguments}</c>; <paramref name="agent"/> becomes ECS_AGENT_URI.</summary>
    public static Tool Start(IEnumerable<string> arguments, Uri? agent = null, IDictionary<string, string>? environment = null, string? appSettings = null)
    {
        string directory = Directory.CreateTempSubdirectory("taskprotect-").FullName;
        if (appSettings is not null)
        {
            File.WriteAllText(Path.Combine(directory, "appsettings.json"), appSettings);
        }

        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>());
        if (agent is not null)
        {
            variables["ECS_AGENT_URI"] = agent.AbsoluteUri;
        }

        // As from a terminal, Ctrl+C must reach it: a test run started in the background by a non-interactive shell has SIGINT
        // ignored, every child inherits that, and .NET then never handles it (the POSIX convention the tool keeps).
        return new Tool(ChildProcess.StartDotnet(AssemblyPath, arguments, variables, directory, launcher: ["env", "--default-signal=INT"]), directory);
    }

    /// <summary>Runs to the end and returns the exit code and everything it wrote.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        IEnumerable<string> arguments, Uri? agent = null, IDictionary<string, string>? environment = null, string? appSettings = null, TimeSpan? bound = null)
    {
        using Tool tool = Start(arguments, agent, environment, appSettings);
        (int exitCode, _) = await tool.Process.WaitForExitAsync(bound ?? Bound);
        return (exitCode, tool.Process.Output);
    }

    /// <summary>The command that starts the built tool again, for a child that should be the tool itself.</summary>
    public static string[] Itself(params string[] arguments) => ["dotnet", AssemblyPath, .. arguments];

    public void Dispose()
    {
        Process.Dispose();
        try
        {
            Directory.Delete(WorkingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory left behind is harmless.
        }
    }
}
