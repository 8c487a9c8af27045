using System.Text.RegularExpressions;
using System.Xml.Linq;
using TaskProtection.Tests.Processes;
using TaskProtection.Tests.Shared;

namespace TaskProtection.Tests.Documentation;

/// <summary>
/// The README's getting-started code compiles against the packages as a user gets them. README.md marks each file of it
/// with a line <c>&lt;!-- getting-started: Program.cs --&gt;</c> right before a <c>```csharp</c> block; at least
/// Program.cs must be marked. The blocks are written into a fresh project outside the repository that references only
/// the TaskProtection package (the version Directory.Build.props sets, from a folder that <c>dotnet pack</c> filled), as
/// the README's "dotnet new console, add the package" leaves it, and that project is built with warnings as errors.
/// </summary>
/// <remarks>
/// CI packs the packages first and names their folder in <c>TASKPROTECTION_PACKAGES</c>; without it the test packs
/// TaskProtection itself. The project restores into its own packages folder (a package of the same version extracted
/// earlier can never stand in for the one just packed), TaskProtection only from the packed folder, everything else
/// from the machine's packages folder and its configured sources.
/// </remarks>
[Collection(ChildProcessGroup.Name)]
public sealed partial class GettingStartedTests : IDisposable
{
    private const string PackagesVariable = "TASKPROTECTION_PACKAGES";
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);
    private readonly string _work = Directory.CreateTempSubdirectory("taskprotection-getting-started-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public void The_readme_marks_its_getting_started_Program_cs()
    {
        IReadOnlyDictionary<string, string> files = GettingStartedFiles(File.ReadAllText(RepositoryFiles.Path("README.md")));
        Assert.True(files.ContainsKey("Program.cs"), $"README.md marks {string.Join(", ", files.Keys)} but not Program.cs.");
    }

    [Fact]
    public async Task The_readme_getting_started_code_builds_against_the_packed_package()
    {
        IReadOnlyDictionary<string, string> files = GettingStartedFiles(await File.ReadAllTextAsync(RepositoryFiles.Path("README.md")));
        string version = RepositoryProperty("Directory.Build.props", "VersionPrefix");
        string feed = await PackagesFolderAsync(version);

        string project = Path.Combine(_work, "GettingStarted");
        Directory.CreateDirectory(project);
        foreach ((string name, string code) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(project, name), code);
        }

        await File.WriteAllTextAsync(Path.Combine(project, "nuget.config"), await NuGetConfigAsync(feed));
        await File.WriteAllTextAsync(Path.Combine(project, "GettingStarted.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TaskProtection" Version="{version}" />
              </ItemGroup>
            </Project>
            """);

        await DotnetAsync(
            project,
            ["build", "-c", "Release", "-nologo"],
            new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_work, "packages") });
        Assert.True(
            Directory.Exists(Path.Combine(_work, "packages", "taskprotection", version)),
            $"TaskProtection {version} was not restored from {feed}.");
    }

    /// <summary>Each marked block of the README by the file name its marker gives; fails when a marker has no block after it.</summary>
    internal static IReadOnlyDictionary<string, string> GettingStartedFiles(string readme)
    {
        string[] lines = readme.ReplaceLineEndings("\n").Split('\n');
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < lines.Length; i++)
        {
            Match marker = Marker().Match(lines[i]);
            if (!marker.Success)
            {
                continue;
            }

            string name = marker.Groups["file"].Value;
            int open = i + 1;
            while (open < lines.Length && lines[open].Trim().Length == 0)
            {
                open++;
            }

            Assert.True(open < lines.Length && lines[open].Trim() == "```csharp", $"README.md line {i + 1}: the marker for {name} is not followed by a ```csharp block.");
            int close = Array.FindIndex(lines, open + 1, static l => l.Trim() == "```");
            Assert.True(close > open, $"README.md line {open + 1}: the ```csharp block for {name} is never closed.");
            Assert.True(files.TryAdd(name, string.Join('\n', lines[(open + 1)..close]) + "\n"), $"README.md marks {name} twice.");
        }

        Assert.True(files.Count > 0, "README.md has no getting-started code: mark it with a line '<!-- getting-started: Program.cs -->' right before its ```csharp block.");
        return files;
    }

    [GeneratedRegex(@"^\s*<!--\s*getting-started:\s*(?<file>[A-Za-z0-9_.]+\.cs)\s*-->\s*$")]
    private static partial Regex Marker();

    /// <summary>A property of one of the repository's MSBuild files (the first element of that name).</summary>
    private static string RepositoryProperty(string file, string property) =>
        XDocument.Load(RepositoryFiles.Path(file)).Descendants(property).FirstOrDefault()?.Value.Trim()
        ?? throw new InvalidOperationException($"{file} sets no {property}.");

    /// <summary>The folder CI packed into when it holds this version of TaskProtection; else a folder this test packs into.</summary>
    private async Task<string> PackagesFolderAsync(string version)
    {
        string? packed = Environment.GetEnvironmentVariable(PackagesVariable);
        if (!string.IsNullOrEmpty(packed))
        {
            string package = Path.Combine(packed, $"TaskProtection.{version}.nupkg");
            Assert.True(File.Exists(package), $"{PackagesVariable}={packed} has no {Path.GetFileName(package)}.");
            return Path.GetFullPath(packed);
        }

        string feed = Path.Combine(_work, "feed");
        string runtime = RepositoryFiles.Path("src", "Runtime", "TaskProtection.csproj");
        await DotnetAsync(_work, ["pack", runtime, "-c", "Release", "-o", feed, "-nologo"]);
        return feed;
    }

    /// <summary>
    /// Sources: the packed folder for TaskProtection and nothing else; the machine's packages folder and its enabled
    /// sources for every other package (mapped by pattern, so no other source can answer for TaskProtection).
    /// </summary>
    private async Task<string> NuGetConfigAsync(string feed)
    {
        string locals = await DotnetAsync(_work, ["nuget", "locals", "global-packages", "--list"]);
        string globalPackages = locals[(locals.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        string listed = await DotnetAsync(_work, ["nuget", "list", "source", "--format", "short"]);
        string[] remote = [.. listed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(static l => l.StartsWith('E'))
            .Select(static l => l[1..].Trim())];
        string[] others = [globalPackages, .. remote];
        string sources = string.Join("\n", others.Select(static (s, i) => $"""    <add key="other{i}" value="{s}" />"""));
        string mapping = string.Join("\n", others.Select(static (_, i) => $"""    <packageSource key="other{i}"><package pattern="*" /></packageSource>"""));
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="packed" value="{feed}" />
            {sources}
              </packageSources>
              <packageSourceMapping>
                <packageSource key="packed"><package pattern="TaskProtection" /></packageSource>
            {mapping}
              </packageSourceMapping>
            </configuration>
            """;
    }

    /// <summary>Runs dotnet to completion (bounded); fails the test with the output when it does not succeed.</summary>
    private static async Task<string> DotnetAsync(string directory, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        (int exitCode, string output) = await CommandRunner.RunAsync("dotnet", arguments, directory, Bound, environment);
        Assert.True(exitCode == 0, $"{CommandRunner.Describe("dotnet", arguments)} exited with {exitCode}:{Environment.NewLine}{output}");
        return output;
    }
}
