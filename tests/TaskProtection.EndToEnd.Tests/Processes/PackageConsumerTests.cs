using System.Globalization;
using TaskProtection.Testing;
using TaskProtection.Tests.Shared;

namespace TaskProtection.Tests.Processes;

/// <summary>
/// The package as a user gets it: packed from this repository into a local feed, referenced by a fresh project outside
/// the solution (only TaskProtection and Microsoft.Extensions.Hosting), built with warnings as errors, run against a
/// FakeEcsAgent; then a dropped critical call must produce the analyzer's warning in that project's build.
/// </summary>
[Collection(ChildProcessGroup.Name)]
public sealed class PackageConsumerTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);
    private readonly string _work = Directory.CreateTempSubdirectory("taskprotection-consumer-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task A_fresh_project_referencing_only_the_package_is_protected_and_gets_the_analyzers()
    {
        string version = "0.0.0-consumer." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        string feed = Path.Combine(_work, "feed");
        string runtime = Path.Combine(RepositoryFiles.Root, "src", "Runtime", "TaskProtection.csproj");
        await DotnetAsync(_work, ["pack", runtime, "-c", "Release", "-o", feed, $"-p:Version={version}", "-nologo"]);
        string package = Path.Combine(feed, $"TaskProtection.{version}.nupkg");
        Assert.True(File.Exists(package));
        Assert.DoesNotContain("AWSSDK", NuspecOf(package), StringComparison.OrdinalIgnoreCase);

        string project = Path.Combine(_work, "Consumer");
        Directory.CreateDirectory(project);
        await File.WriteAllTextAsync(Path.Combine(project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(project, "Consumer.csproj"), $"""
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
                <PackageReference Include="Microsoft.Extensions.Hosting" Version="10.0.0" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(project, "Program.cs"), """
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Hosting;
            using TaskProtection;

            HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
            builder.Services.AddTaskProtection();
            using IHost host = builder.Build();
            await host.StartAsync();
            var job = new Job(host.Services.GetRequiredService<TaskProtectionManager>());
            bool protectedInside = await job.RunAsync(CancellationToken.None);
            Console.WriteLine($"PROTECTED_INSIDE={protectedInside}");
            await host.StopAsync();
            return protectedInside ? 0 : 1;

            public sealed partial class Job(TaskProtectionManager manager)
            {
                [CriticalSection]
                public partial Task<bool> RunAsync(CancellationToken ct);

                private Task<bool> RunCoreAsync(CancellationToken ct) => Task.FromResult(manager.GetStatus().ProtectionEnabled);
            }
            """);

        await DotnetAsync(project, ["build", "-c", "Release", "-nologo"]);

        await using (FakeEcsAgent agent = await FakeEcsAgent.StartAsync())
        {
            string output = await DotnetAsync(
                project,
                ["run", "--no-build", "-c", "Release"],
                new Dictionary<string, string> { ["ECS_AGENT_URI"] = agent.AgentUri.ToString() });
            Assert.Contains("PROTECTED_INSIDE=True", output, StringComparison.Ordinal);
            Assert.Contains("\"ProtectionEnabled\":true", agent.Model.Calls[0].Body, StringComparison.Ordinal);
            Assert.Contains("\"ProtectionEnabled\":false", agent.Model.Calls[^1].Body, StringComparison.Ordinal);
        }

        await File.WriteAllTextAsync(Path.Combine(project, "FireAndForget.cs"), """
            public static class FireAndForget
            {
                public static void Start(Job job) => _ = job.RunAsync(default);
            }
            """);
        string warned = await DotnetAsync(project, ["build", "-c", "Release", "-nologo", "-p:TreatWarningsAsErrors=false"]);
        Assert.Contains("warning TP0001: The task of critical section 'RunAsync' is discarded with '_ ='", warned, StringComparison.Ordinal);
    }

    /// <summary>The package's manifest, where its dependencies are listed.</summary>
    private static string NuspecOf(string package)
    {
        using System.IO.Compression.ZipArchive archive = System.IO.Compression.ZipFile.OpenRead(package);
        System.IO.Compression.ZipArchiveEntry manifest = archive.Entries.Single(static e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var reader = new StreamReader(manifest.Open());
        return reader.ReadToEnd();
    }

    /// <summary>Runs dotnet to completion (bounded); fails the test with the output when it does not succeed.</summary>
    private static async Task<string> DotnetAsync(string directory, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        (int exitCode, string output) = await CommandRunner.RunAsync("dotnet", arguments, directory, Bound, environment);
        Assert.True(exitCode == 0, $"{CommandRunner.Describe("dotnet", arguments)} exited with {exitCode}:{Environment.NewLine}{output}");
        return output;
    }
}
