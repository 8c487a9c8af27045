using System.Text.Json;
using TaskProtection.Cli.Tests.Infrastructure;
using TaskProtection.Testing;

namespace TaskProtection.Cli.Tests.Fleet;

/// <summary><c>taskprotect list</c>, <c>protect</c> and <c>unprotect</c> as processes against a real HTTP fake ECS API.</summary>
public sealed class FleetCommandTests : IAsyncLifetime
{
    private const string Cluster = "jobs";
    private FakeEcsApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeEcsApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task List_shows_every_task_of_the_service_across_pages_the_longest_protected_first()
    {
        IReadOnlyList<string> tasks = _api.Model.AddServiceTasks(Cluster, "video", 130);
        _api.Model.AddServiceTasks(Cluster, "other", 2);
        using var http = new HttpClient();
        var client = new EcsApiTaskProtectionClient(http, new EcsApiOptions { EndpointUrl = _api.EndpointUri, Region = "us-east-1" }, credentials: _api.Credentials.ToAwsCredentials());
        await client.UpdateTaskProtectionAsync(Cluster, [tasks[5]], true, 30);
        await client.UpdateTaskProtectionAsync(Cluster, [tasks[9]], true, 90);

        (int exitCode, string output) = await Tool.RunAsync(["list", "--cluster", Cluster, "--service", "video", "--json", .. Endpoint()], environment: Credentials());

        Assert.True(exitCode == 0, output);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement root = json.RootElement;
        Assert.Equal(130, root.GetProperty("tasks").GetArrayLength());
        Assert.Equal(2, root.GetProperty("protectedCount").GetInt32());
        Assert.Equal(tasks[9], root.GetProperty("tasks")[0].GetProperty("taskArn").GetString());
        Assert.Equal(tasks[5], root.GetProperty("tasks")[1].GetProperty("taskArn").GetString());
        Assert.InRange(root.GetProperty("tasks")[0].GetProperty("secondsLeft").GetDouble(), 89 * 60, 90 * 60);
        Assert.False(root.GetProperty("tasks")[2].GetProperty("protectionEnabled").GetBoolean());
        Assert.Equal(2, _api.Model.Calls.Count(static c => c.Action == "ListTasks"));
    }

    [Fact]
    public async Task The_table_says_what_blocks_scale_in_and_how_to_release_it()
    {
        IReadOnlyList<string> tasks = _api.Model.AddServiceTasks(Cluster, "video", 3);
        await Tool.RunAsync(["protect", "--cluster", Cluster, "--task", tasks[1], "--minutes", "45", .. Endpoint()], environment: Credentials());

        (int exitCode, string output) = await Tool.RunAsync(["list", "--cluster", Cluster, .. Endpoint()], environment: Credentials());

        Assert.True(exitCode == 0, output);
        Assert.Contains("3 tasks in cluster jobs; 1 protected: ECS will not scale them in", output, StringComparison.Ordinal);
        Assert.Matches(@$"{tasks[1][^32..]}\s*│\s*yes\s*│", output);
        Assert.Contains("taskprotect unprotect", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_says_which_protected_tasks_a_deployment_is_replacing_and_since_when()
    {
        IReadOnlyList<string> tasks = _api.Model.AddServiceTasks(Cluster, "video", 3);
        await Tool.RunAsync(["protect", "--cluster", Cluster, "--task", tasks[0], "--task", tasks[1], .. Endpoint()], environment: Credentials());
        string deployment = _api.Model.StartDeployment(Cluster, "video", "arn:aws:ecs:us-east-1:123456789012:task-definition/video:2");
        string newTask = _api.Model.AddServiceTasks(Cluster, "video", 1)[0];
        await Tool.RunAsync(["protect", "--cluster", Cluster, "--task", newTask, .. Endpoint()], environment: Credentials());

        (int exitCode, string output) = await Tool.RunAsync(["list", "--cluster", Cluster, "--service", "video", "--json", .. Endpoint()], environment: Credentials());
        (int tableCode, string table) = await Tool.RunAsync(["list", "--cluster", Cluster, .. Endpoint()], environment: Credentials());

        Assert.True(exitCode == 0, output);
        using JsonDocument json = JsonDocument.Parse(output);
        Dictionary<string, JsonElement> rows = json.RootElement.GetProperty("tasks").EnumerateArray().ToDictionary(static t => t.GetProperty("taskArn").GetString()!);
        Assert.True(rows[tasks[0]].GetProperty("beingReplaced").GetBoolean());
        Assert.True(rows[tasks[1]].GetProperty("beingReplaced").GetBoolean());
        Assert.InRange(rows[tasks[0]].GetProperty("replacedSince").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        Assert.False(rows[newTask].GetProperty("beingReplaced").GetBoolean());
        Assert.Equal(JsonValueKind.Null, rows[tasks[2]].GetProperty("beingReplaced").ValueKind);
        Assert.Equal(2, json.RootElement.GetProperty("beingReplacedCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("replacementsUnknown").ValueKind);
        Assert.True(tableCode == 0, table);
        Assert.Matches(@$"{tasks[0][^32..]}\s*│\s*yes\s*│.*│\s*yes, since \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d \({deployment}\)\s*│", table);
        Assert.Contains("2 of them a deployment is replacing", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_permission_to_describe_list_still_shows_protection_and_says_why_replacements_are_unknown()
    {
        IReadOnlyList<string> tasks = _api.Model.AddServiceTasks(Cluster, "video", 2);
        await Tool.RunAsync(["protect", "--cluster", Cluster, "--task", tasks[0], .. Endpoint()], environment: Credentials());
        _api.Model.FaultPolicy = static action => action.StartsWith("Describe", StringComparison.Ordinal) ? new EcsApiFault("AccessDeniedException") : null;

        (int exitCode, string output) = await Tool.RunAsync(["list", "--cluster", Cluster, "--json", .. Endpoint()], environment: Credentials());

        Assert.True(exitCode == 0, output);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal(1, json.RootElement.GetProperty("protectedCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("tasks")[0].GetProperty("beingReplaced").ValueKind);
        Assert.Contains("AccessDeniedException", json.RootElement.GetProperty("replacementsUnknown").GetString(), StringComparison.Ordinal);
        Assert.Contains("ecs:DescribeTasks", json.RootElement.GetProperty("replacementsUnknown").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Protect_and_unprotect_change_the_task_and_unprotect_prints_and_logs_its_reason()
    {
        string task = _api.Model.AddServiceTasks(Cluster, "video", 1)[0];

        (int protectCode, string protectOutput) = await Tool.RunAsync(["protect", "--cluster", Cluster, "--task", task, "--minutes", "20", .. Endpoint()], environment: Credentials());
        bool protectedBetween = _api.Model.Protection(task).IsProtected;
        (int unprotectCode, string unprotectOutput) = await Tool.RunAsync(
            ["unprotect", "--cluster", Cluster, "--task", task, "--reason", "deployment 42 blocked for an hour", .. Endpoint()], environment: Credentials());

        Assert.True(protectCode == 0, protectOutput);
        Assert.True(protectedBetween);
        Assert.Contains($"{task}: protected until", protectOutput, StringComparison.Ordinal);
        Assert.True(unprotectCode == 0, unprotectOutput);
        Assert.False(_api.Model.Protection(task).IsProtected);
        Assert.Contains($"{task}: not protected (reason: deployment 42 blocked for an hour)", unprotectOutput, StringComparison.Ordinal);
        Assert.Contains("Removing protection from", unprotectOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_standalone_task_is_reported_and_the_exit_code_is_1()
    {
        string standalone = _api.Model.AddTask(Cluster);

        (int exitCode, string output) = await Tool.RunAsync(["protect", "--cluster", Cluster, "--task", standalone, .. Endpoint()], environment: Credentials());

        Assert.Equal(1, exitCode);
        Assert.Contains($"{standalone}: TASK_NOT_VALID", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_secret_or_an_unknown_cluster_fails_with_ECS_error_and_no_secret_printed()
    {
        _api.Model.AddServiceTasks(Cluster, "video", 1);
        var wrong = new Dictionary<string, string>(Credentials()) { ["AWS_SECRET_ACCESS_KEY"] = "wrong-secret-value" };

        (int badKeyCode, string badKeyOutput) = await Tool.RunAsync(["list", "--cluster", Cluster, .. Endpoint()], environment: wrong);
        (int noClusterCode, string noClusterOutput) = await Tool.RunAsync(["list", "--cluster", "nope", .. Endpoint()], environment: Credentials());

        Assert.Equal(1, badKeyCode);
        Assert.Contains("InvalidSignatureException", badKeyOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-value", badKeyOutput, StringComparison.Ordinal);
        Assert.Equal(1, noClusterCode);
        Assert.Contains("ClusterNotFoundException", noClusterOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_named_profile_gives_the_credentials_and_the_region()
    {
        string task = _api.Model.AddServiceTasks(Cluster, "video", 1)[0];
        string directory = Directory.CreateTempSubdirectory("aws-profile-").FullName;
        string credentials = Path.Combine(directory, "credentials");
        string config = Path.Combine(directory, "config");
        await File.WriteAllTextAsync(credentials, $"[ops]\naws_access_key_id = {_api.Credentials.AccessKeyId}\naws_secret_access_key = {_api.Credentials.SecretAccessKey}\n");
        await File.WriteAllTextAsync(config, $"[profile ops]\nregion = {_api.Model.Region}\n");
        var environment = new Dictionary<string, string>
        {
            ["AWS_SHARED_CREDENTIALS_FILE"] = credentials,
            ["AWS_CONFIG_FILE"] = config,
            ["AWS_EC2_METADATA_DISABLED"] = "true",
        };

        (int exitCode, string output) = await Tool.RunAsync(["protect", "--cluster", Cluster, "--task", task, "--profile", "ops", "--endpoint-url", _api.EndpointUri.ToString()], environment: environment);
        (int missingCode, string missingOutput) = await Tool.RunAsync(["list", "--cluster", Cluster, "--profile", "nobody", "--region", "us-east-1", "--endpoint-url", _api.EndpointUri.ToString()], environment: environment);

        Assert.True(exitCode == 0, output);
        Assert.True(_api.Model.Protection(task).IsProtected);
        Assert.Equal(1, missingCode);
        Assert.Contains("The AWS profile 'nobody' was not found", missingOutput, StringComparison.Ordinal);
        Directory.Delete(directory, recursive: true);
    }

    [Theory]
    [InlineData("unprotect --cluster jobs --task t1", "--reason")]
    [InlineData("protect --cluster jobs --task t1 --minutes 0", "--minutes must be between 1 and 2880")]
    [InlineData("list --cluster jobs --endpoint-url localhost:1", "--endpoint-url 'localhost:1' is not an absolute")]
    public async Task Usage_errors_exit_2_and_say_what_to_fix(string arguments, string expected)
    {
        (int exitCode, string output) = await Tool.RunAsync(arguments.Split(' '), environment: Credentials());

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    private string[] Endpoint() => ["--endpoint-url", _api.EndpointUri.ToString(), "--region", _api.Model.Region];

    private Dictionary<string, string> Credentials() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = _api.Credentials.AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = _api.Credentials.SecretAccessKey,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };
}
