using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TaskProtection.Testing;

namespace TaskProtection.Tests.EcsApi.Deployments;

/// <summary>
/// A worker's host in a task of the service <c>video</c>, over real sockets: protected through <see cref="FakeEcsAgent"/>
/// (whose task metadata names the service), its deployments scripted on <see cref="FakeEcsApi"/>, whose model shares
/// the agent's record of the task's protection. The deployment check runs every second.
/// </summary>
internal sealed class DeployedTask : IAsyncDisposable
{
    public const string Cluster = "fake-cluster";
    public const string Service = "video";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private DeployedTask(FakeEcsApi api, FakeEcsAgent agent)
    {
        Api = api;
        Agent = agent;
    }

    public FakeEcsApi Api { get; }

    public FakeEcsAgent Agent { get; }

    public CriticalSessionRegistry Registry { get; } = new();

    public FakeLogCollector Logs { get; } = new();

    public IHost Host { get; private set; } = null!;

    public TaskProtectionManager Manager => Host.Services.GetRequiredService<TaskProtectionManager>();

    /// <summary>Starts the host; <paramref name="register"/> adds to <c>AddTaskProtection()</c> (the check is then found by name when it adds nothing).</summary>
    public static async Task<DeployedTask> StartAsync(Dictionary<string, string?>? settings = null, string? serviceName = Service, Action<IServiceCollection>? register = null, bool start = true)
    {
        FakeEcsApi api = await FakeEcsApi.StartAsync();
        FakeEcsAgent agent = await FakeEcsAgent.StartAsync(new ProtectionModel { ServiceName = serviceName });
        api.Model.AddServiceTasks(Cluster, Service, 1);
        api.Model.AddTaskWith(Cluster, Service, agent.Model);
        var task = new DeployedTask(api, agent);
        task.Host = task.Build(settings ?? [], register);
        if (start)
        {
            await task.Host.StartAsync();
        }

        return task;
    }

    public IReadOnlyList<EcsApiCall> Describes(string action = "DescribeServices") => [.. Api.Model.Calls.Where(c => c.Action == action)];

    public IReadOnlyList<FakeLogRecord> DrainLogs(LogLevel atLeast) =>
        [.. Logs.GetSnapshot().Where(r => r.Category == "TaskProtection.DeploymentDrain" && r.Level >= atLeast)];

    /// <summary>Polls <paramref name="condition"/> over real sockets, bounded.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan? within = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition() && watch.Elapsed < (within ?? Bound))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        return condition();
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
        await Agent.DisposeAsync();
        await Api.DisposeAsync();
    }

    private IHost Build(Dictionary<string, string?> settings, Action<IServiceCollection>? register)
    {
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ECS_AGENT_URI"] = Agent.AgentUri.ToString(),
            ["ECS_CONTAINER_METADATA_URI_V4"] = Agent.MetadataUri.ToString(),
            ["TaskProtection:DeploymentCheckInterval"] = "00:00:01",
            ["TaskProtection:EcsApi:EndpointUrl"] = Api.EndpointUri.ToString(),
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(new FakeLoggerProvider(Logs));
        builder.Services.AddSingleton(Registry);
        builder.Services.AddSingleton(Api.Credentials.ToAwsCredentials());
        builder.Services.AddTaskProtection();
        register?.Invoke(builder.Services);
        return builder.Build();
    }
}
