using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace TaskProtection.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 that serves the ECS agent's task-protection endpoint from a
/// <see cref="ProtectionModel"/>, with its fault script (latency, 429, 500, 504, throttling, failures, dropped
/// connections, answers that never end). Point <c>ECS_AGENT_URI</c> (or <see cref="TaskProtectionOptions.AgentUri"/>)
/// at <see cref="AgentUri"/>.
/// </summary>
public sealed class FakeEcsAgent : IAsyncDisposable
{
    private readonly LoopbackHttpServer _server;

    private FakeEcsAgent(ProtectionModel model)
    {
        Model = model;
        _server = new LoopbackHttpServer(RespondAsync);
        AgentUri = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_server.Port}/api/fake-container-id"));
        MetadataUri = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_server.Port}/v4/fake-container-id"));
    }

    /// <summary>
    /// What <c>ECS_CONTAINER_METADATA_URI_V4</c> would hold: <c>{MetadataUri}/task</c> answers the task metadata
    /// document with the model's task ARN, its cluster, a service name, launch type and availability zone.
    /// </summary>
    public Uri MetadataUri { get; }

    /// <summary>What <c>ECS_AGENT_URI</c> would hold: the endpoint is <c>{AgentUri}/task-protection/v1/state</c>.</summary>
    public Uri AgentUri { get; }

    /// <summary>The protection model behind the endpoint: its state, call log and fault script.</summary>
    public ProtectionModel Model { get; }

    /// <summary>Starts an agent on a free port of 127.0.0.1.</summary>
    /// <param name="model">The model to serve; a new one on the system clock when null.</param>
    /// <param name="cancellationToken">Unused; starting does not wait.</param>
    /// <returns>The running agent.</returns>
    public static Task<FakeEcsAgent> StartAsync(ProtectionModel? model = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new FakeEcsAgent(model ?? new ProtectionModel()));
    }

    /// <summary>Stops listening and closes every connection.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>Answers one request; false when the connection must close.</summary>
    private async Task<bool> RespondAsync(NetworkStream stream, HttpRequestReader.Request request, CancellationToken stopping)
    {
        if (request.Method == "GET" && request.Path == MetadataUri.AbsolutePath + "/task")
        {
            await LoopbackHttpServer.WriteAsync(stream, 200, "application/json", TaskMetadataDocument(), keepAlive: true, stopping).ConfigureAwait(false);
            return true;
        }

        TimeProvider time = Model.TimeProvider;
        string body = ProtectionModel.BodyText(request.Body);
        AgentFault fault = Model.NextFault(new AgentCallContext(request.Method, body, time.GetUtcNow()));
        await DelayAsync(fault.RequestDelay, time, stopping).ConfigureAwait(false);
        if (fault.Kind == AgentFaultKind.Blackhole)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, time, stopping).ConfigureAwait(false);
        }

        AgentAnswer answer = Model.Receive(request.Method, request.Path, body, fault);
        await DelayAsync(fault.ResponseDelay, time, stopping).ConfigureAwait(false);
        switch (fault.Kind)
        {
            case AgentFaultKind.DropConnection:
                return false;
            case AgentFaultKind.NoResponse or AgentFaultKind.LateLanding:
                // LateLanding was applied after its delay above, whether or not the client was still waiting.
                await Task.Delay(Timeout.InfiniteTimeSpan, time, stopping).ConfigureAwait(false);
                return false;
            case AgentFaultKind.TruncatedBody:
                await LoopbackHttpServer.WriteHeadAsync(stream, 200, "application/json", answer.Body.Length + 1000, keepAlive: true, stopping).ConfigureAwait(false);
                await stream.WriteAsync(Encoding.UTF8.GetBytes(answer.Body), stopping).ConfigureAwait(false);
                await Task.Delay(Timeout.InfiniteTimeSpan, time, stopping).ConfigureAwait(false);
                return false;
            case AgentFaultKind.OversizedBody:
                await LoopbackHttpServer.WriteAsync(stream, 200, "application/json", "{\"protection\":{\"ProtectionEnabled\":true,\"Padding\":\"" + new string('x', 1024 * 1024) + "\"}}", keepAlive: true, stopping).ConfigureAwait(false);
                return true;
            case AgentFaultKind.NotJson:
                await LoopbackHttpServer.WriteAsync(stream, 200, "text/html; charset=utf-8", "<html><body>502 Bad Gateway</body></html>", keepAlive: true, stopping).ConfigureAwait(false);
                return true;
            default:
                await LoopbackHttpServer.WriteAsync(stream, answer.StatusCode, answer.ContentType, answer.Body, keepAlive: true, stopping).ConfigureAwait(false);
                return true;
        }
    }

    private string TaskMetadataDocument()
    {
        // arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/ID
        string[] arn = Model.TaskArn.Split(':');
        string[] resource = arn.Length == 6 ? arn[5].Split('/') : [];
        string cluster = resource.Length == 3 ? $"arn:aws:ecs:{arn[3]}:{arn[4]}:cluster/{resource[1]}" : "default";
        return new System.Text.Json.Nodes.JsonObject
        {
            ["Cluster"] = cluster,
            ["TaskARN"] = Model.TaskArn,
            ["ServiceName"] = "fake-service",
            ["LaunchType"] = "FARGATE",
            ["AvailabilityZone"] = arn.Length == 6 ? arn[3] + "a" : "us-east-1a",
            ["DesiredStatus"] = "RUNNING",
            ["KnownStatus"] = "RUNNING",
        }.ToJsonString();
    }

    private static Task DelayAsync(TimeSpan delay, TimeProvider time, CancellationToken stopping) =>
        delay > TimeSpan.Zero ? Task.Delay(delay, time, stopping) : Task.CompletedTask;
}
