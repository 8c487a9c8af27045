using System.Globalization;
using System.Text.Json;
using TaskProtection.Tests.Shared;

namespace TaskProtection.Tests.Coordination;

/// <summary>
/// The sample task definition with two workers sharing protection is what the README tells users to copy: every
/// container that uses TaskProtection points CoordinationDirectory at a mount of one shared task volume, and ECS waits
/// long enough between SIGTERM and SIGKILL for the drain.
/// </summary>
public sealed class SampleTaskDefinitionTests
{
    private const string DirectoryVariable = "TaskProtection__CoordinationDirectory";

    [Fact]
    public void Every_worker_container_points_its_coordination_directory_at_one_shared_task_volume()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.Path("samples", "VideoWorker", "deploy", "task-definition.two-workers.json")));
        JsonElement root = document.RootElement;
        string[] volumes = [.. root.GetProperty("volumes").EnumerateArray().Select(static v => v.GetProperty("name").GetString()!)];
        JsonElement[] workers = [.. root.GetProperty("containerDefinitions").EnumerateArray().Where(static c => Environment(c).ContainsKey(DirectoryVariable))];

        Assert.True(workers.Length >= 2, "The sample must show two or more containers sharing protection.");
        var shared = new HashSet<string>();
        foreach (JsonElement container in workers)
        {
            string name = container.GetProperty("name").GetString()!;
            Dictionary<string, string> environment = Environment(container);
            string directory = environment[DirectoryVariable];
            JsonElement mount = Assert.Single(container.GetProperty("mountPoints").EnumerateArray(), m => m.GetProperty("containerPath").GetString() == directory);
            string volume = mount.GetProperty("sourceVolume").GetString()!;
            Assert.Contains(volume, volumes);
            shared.Add(volume);

            TimeSpan drain = TimeSpan.Parse(environment["TaskProtection__DrainTimeout"], CultureInfo.InvariantCulture);
            TimeSpan stopTimeout = TimeSpan.FromSeconds(container.GetProperty("stopTimeout").GetInt32());
            Assert.True(stopTimeout >= drain + new TaskProtectionOptions().RequestTimeout, $"{name}: stopTimeout {stopTimeout} leaves no time for the drain ({drain}) and the release.");
        }

        Assert.Single(shared);
    }

    private static Dictionary<string, string> Environment(JsonElement container) =>
        container.TryGetProperty("environment", out JsonElement environment)
            ? environment.EnumerateArray().ToDictionary(static e => e.GetProperty("name").GetString()!, static e => e.GetProperty("value").GetString()!)
            : [];
}
