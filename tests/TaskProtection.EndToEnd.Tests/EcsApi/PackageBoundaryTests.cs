using TaskProtection.Tests.Shared;

namespace TaskProtection.Tests.EcsApi;

/// <summary>The ECS API path is a package of its own: the core carries no AWS dependency, and says so when it is missing.</summary>
[Collection(Processes.ChildProcessGroup.Name)]
public sealed class PackageBoundaryTests
{
    [Fact]
    public void The_core_assembly_references_no_AWS_assembly()
    {
        string[] references = [.. typeof(TaskProtectionManager).Assembly.GetReferencedAssemblies().Select(static a => a.Name!)];

        Assert.DoesNotContain(references, static name => name.StartsWith("AWSSDK", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(typeof(EcsApiTaskProtectionClient).Assembly.GetReferencedAssemblies(), static a => a.Name == "AWSSDK.Core");
    }

    [Fact]
    public async Task Backend_EcsApi_without_the_package_stops_the_start_naming_the_package()
    {
        // The test host references the core package only, as an app that never added TaskProtection.EcsApi.
        using ChildProcess host = ChildProcess.StartDotnet(
            ChildProcess.BuiltAssembly("TaskProtection.TestHost"),
            [],
            new Dictionary<string, string> { ["TaskProtection__Backend"] = "EcsApi", ["DOTNET_NOLOGO"] = "1" });

        (int exitCode, _) = await host.WaitForExitAsync(TimeSpan.FromSeconds(30));
        string output = host.Output;

        Assert.NotEqual(0, exitCode);
        Assert.Contains("the TaskProtection.EcsApi package is not referenced: add it (dotnet add package TaskProtection.EcsApi)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("READY", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrainOnDeployment_required_without_the_package_stops_the_start_naming_the_package()
    {
        using ChildProcess host = ChildProcess.StartDotnet(
            ChildProcess.BuiltAssembly("TaskProtection.TestHost"),
            [],
            new Dictionary<string, string> { ["TaskProtection__DrainOnDeployment"] = "true", ["DOTNET_NOLOGO"] = "1" });

        (int exitCode, _) = await host.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("TaskProtection:DrainOnDeployment is true, but the TaskProtection.EcsApi package is not referenced", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("READY", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task By_default_without_the_package_one_line_says_that_deployment_aware_drain_needs_it()
    {
        using ChildProcess host = ChildProcess.StartDotnet(
            ChildProcess.BuiltAssembly("TaskProtection.TestHost"),
            [],
            new Dictionary<string, string> { ["TaskProtection__DeploymentCheckInterval"] = "00:00:01", ["DOTNET_NOLOGO"] = "1" });

        await host.WaitForLineAsync("READY", TimeSpan.FromSeconds(30));
        host.Signal("TERM");
        await host.WaitForExitAsync(TimeSpan.FromSeconds(30));

        string[] lines = [.. host.Output.Split('\n').Where(static l => l.Contains("Deployment-aware drain", StringComparison.Ordinal))];
        string line = Assert.Single(lines);
        Assert.Contains("info: TaskProtection.DeploymentDrain[1090] Deployment-aware drain is off: it needs the TaskProtection.EcsApi package", line, StringComparison.Ordinal);
    }
}
