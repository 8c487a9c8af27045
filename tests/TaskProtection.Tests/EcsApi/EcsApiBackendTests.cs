using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TaskProtection.Testing;

namespace TaskProtection.Tests.EcsApi;

/// <summary>Backend = EcsApi in a host: the task found from the metadata endpoint, protected and released through the API.</summary>
public sealed class EcsApiBackendTests
{
    private static IHost BuildHost(Dictionary<string, string?> settings, CriticalSessionRegistry registry, FakeEcsApi? api, bool useEcsApi = false)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(registry);
        if (api is not null)
        {
            builder.Services.AddSingleton(api.Credentials.ToAwsCredentials());
        }

        builder.Services.AddTaskProtection();
        if (useEcsApi)
        {
            builder.Services.UseEcsApi(o => o.EndpointUrl = api?.EndpointUri);
        }

        return builder.Build();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_session_is_protected_through_the_API_for_the_task_the_metadata_endpoint_names(bool useEcsApi)
    {
        await using FakeEcsApi api = await FakeEcsApi.StartAsync();
        string task = api.Model.AddServiceTasks("jobs", "video", 2)[1];
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync(new ProtectionModel(taskArn: task));
        var registry = new CriticalSessionRegistry();
        using IHost host = BuildHost(
            useEcsApi
                ? new()
                {
                    // UseEcsApi() chooses the backend, whatever configuration says.
                    ["TaskProtection:Backend"] = "Agent",
                    ["TaskProtection:ReleaseDelay"] = "00:00:00",
                    ["ECS_CONTAINER_METADATA_URI_V4"] = agent.MetadataUri.ToString(),
                }
                : new()
                {
                    ["TaskProtection:Backend"] = "EcsApi",
                    ["TaskProtection:ReleaseDelay"] = "00:00:00",
                    ["TaskProtection:EcsApi:EndpointUrl"] = api.EndpointUri.ToString(),
                    ["ECS_CONTAINER_METADATA_URI_V4"] = agent.MetadataUri.ToString(),
                },
            registry,
            api,
            useEcsApi);
        await host.StartAsync();

        await using (await registry.EnterAsync("transcode").AsTask().WaitAsync(TimeSpan.FromSeconds(10)))
        {
            Assert.True(api.Model.Protection(task).IsProtected);
        }

        // The release travels over a real socket: poll, bounded, rather than spin.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (api.Model.Protection(task).IsProtected && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        await host.StopAsync();
        Assert.False(api.Model.Protection(task).IsProtected);
        Assert.Empty(agent.Model.Calls);
        Assert.All(api.Model.Calls, static c => Assert.Equal(200, c.StatusCode));
        Assert.Contains(api.Model.Calls, c => c.Action == "UpdateTaskProtection" && c.Body.Contains("\"cluster\":\"arn:aws:ecs:us-east-1:123456789012:cluster/jobs\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_the_metadata_endpoint_or_both_settings_the_manager_is_unavailable_and_says_why()
    {
        var registry = new CriticalSessionRegistry();
        using IHost host = BuildHost(new() { ["TaskProtection:Backend"] = "EcsApi" }, registry, api: null);
        await host.StartAsync();

        ValueTask<CriticalSession> entering = registry.EnterAsync("job");
        TaskProtectionStatus status = host.Services.GetRequiredService<TaskProtectionManager>().GetStatus();

        Assert.True(entering.IsCompletedSuccessfully);
        Assert.Equal(ProtectionMode.Unavailable, status.Mode);
        Assert.Contains("ECS_CONTAINER_METADATA_URI_V4 is not set", status.UnavailableReason, StringComparison.Ordinal);
        entering.Result.Dispose();
        await host.StopAsync();
    }

    [Theory]
    [InlineData("EndpointUrl", "ftp://example.com", "EcsApi:EndpointUrl must be an absolute http(s) URI")]
    [InlineData("Region", "Europe", "EcsApi:Region must be a region name")]
    [InlineData("TaskArn", "task-1", "EcsApi:TaskArn must be a task ARN")]
    public void Bad_API_settings_stop_the_start_saying_what_to_fix(string setting, string value, string expected)
    {
        using IHost host = BuildHost(new() { ["TaskProtection:Backend"] = "EcsApi", [$"TaskProtection:EcsApi:{setting}"] = value }, new CriticalSessionRegistry(), api: null);

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<TaskProtectionOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }
}
