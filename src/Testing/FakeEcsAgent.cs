using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TaskProtection.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 that answers as the ECS agent (1.105.1) does, byte for byte: its task-protection
/// endpoint served from a <see cref="ProtectionModel"/> with its fault script (latency, 429, 500, 504, ECS's errors
/// and failures, dropped connections, answers that never end), gorilla/mux's 404 and 405 for other paths and methods,
/// tollbooth's <c>X-Rate-Limit-*</c> headers on every answer and, when <see cref="LimitRequests"/> is set, its limiter.
/// Point <c>ECS_AGENT_URI</c> (or <see cref="TaskProtectionOptions.AgentUri"/>) at <see cref="AgentUri"/>.
/// </summary>
public sealed class FakeEcsAgent : IAsyncDisposable
{
    /// <summary>The agent's default request rate limit per client IP and path (<c>ECS_TASK_METADATA_RPS_LIMIT</c> "40,60").</summary>
    public const double RequestsPerSecond = 40;

    /// <summary>The agent's default burst of requests per client IP and path.</summary>
    public const int RequestBurst = 60;

    private const string ContainerId = "fake-container-id";
    private const string StatePrefix = "/api/";
    private readonly LoopbackHttpServer _server;
    private readonly AgentRateLimiter _limiter = new(RequestsPerSecond, RequestBurst);

    private FakeEcsAgent(ProtectionModel model, int port)
    {
        Model = model;
        _server = new LoopbackHttpServer(RespondAsync, port);
        AgentUri = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_server.Port}/api/{ContainerId}"));
        MetadataUri = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_server.Port}/v4/{ContainerId}"));
    }

    /// <summary>
    /// What <c>ECS_CONTAINER_METADATA_URI_V4</c> would hold: <c>{MetadataUri}/task</c> answers the task metadata
    /// document with the model's task ARN, its cluster, its service (<see cref="ProtectionModel.ServiceName"/>; none for a
    /// standalone task), launch type and availability zone.
    /// </summary>
    public Uri MetadataUri { get; }

    /// <summary>
    /// What <c>ECS_AGENT_URI</c> would hold: the endpoint is <c>{AgentUri}/task-protection/v1/state</c>. Another
    /// container id in the path gets the agent's 404 for an unknown task.
    /// </summary>
    public Uri AgentUri { get; }

    /// <summary>The protection model behind the endpoint: its state, call log and fault script.</summary>
    public ProtectionModel Model { get; }

    /// <summary>
    /// Whether the agent's request limiter is on: per client IP and path, <see cref="RequestBurst"/> requests at once
    /// and <see cref="RequestsPerSecond"/> a second after that, on the model's clock; a request over it gets 429 before
    /// the agent reads it (logged as <see cref="AgentFaultKind.TooManyRequests"/>). Off by default, so that tests which
    /// call faster than an agent allows keep passing; turn it on to find out whether your code does.
    /// </summary>
    public bool LimitRequests { get; set; }

    /// <summary>Starts an agent on a free port of 127.0.0.1.</summary>
    /// <param name="model">The model to serve; a new one on the system clock when null.</param>
    /// <param name="cancellationToken">Unused; starting does not wait.</param>
    /// <returns>The running agent.</returns>
    public static Task<FakeEcsAgent> StartAsync(ProtectionModel? model = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new FakeEcsAgent(model ?? new ProtectionModel(), port: 0));
    }

    /// <summary>Starts an agent on <paramref name="port"/> of 127.0.0.1 (any free one when 0), for <c>taskprotect fake-agent</c>.</summary>
    /// <exception cref="SocketException">The port is taken.</exception>
    internal static FakeEcsAgent Start(ProtectionModel model, int port) => new(model, port);

    /// <summary>Stops listening and closes every connection.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>Answers one request as the agent's limiter and router would; false when the connection must close.</summary>
    private async Task<bool> RespondAsync(NetworkStream stream, HttpRequestReader.Request request, CancellationToken stopping)
    {
        string[] headers = CommonHeaders(stream, request);
        bool isState = IsStatePath(request.Path, out bool ours);
        if (LimitRequests && !_limiter.TryTake(LimiterKey(stream, request), Model.TimeProvider.GetUtcNow()))
        {
            AgentAnswer refused = isState
                ? Model.Receive(request.Method, request.Path, ProtectionModel.BodyText(request.Body), new AgentFault(AgentFaultKind.TooManyRequests))
                : AgentAnswers.TooManyRequests();
            await WriteAsync(stream, refused, headers, stopping).ConfigureAwait(false);
            return true;
        }

        if (request.Path == MetadataUri.AbsolutePath + "/task")
        {
            await WriteAsync(stream, new AgentAnswer(200, AgentAnswers.JsonMediaType, TaskMetadataDocument()), headers, stopping).ConfigureAwait(false);
            return true;
        }

        AgentAnswer? routed = !isState ? AgentAnswers.PageNotFound()
            : request.Method is not ("GET" or "PUT") ? AgentAnswers.MethodNotAllowed()
            : null;
        if (routed is not null)
        {
            // Go's http.Error marks its plain text as not to be sniffed.
            string[] extra = routed.StatusCode == 404 ? [.. headers, "X-Content-Type-Options: nosniff"] : headers;
            await WriteAsync(stream, routed, extra, stopping).ConfigureAwait(false);
            return true;
        }

        return await ServeStateAsync(stream, request, ours, headers, stopping).ConfigureAwait(false);
    }

    /// <summary>The task-protection handler, with the fault's timing and transport behaviour.</summary>
    private async Task<bool> ServeStateAsync(NetworkStream stream, HttpRequestReader.Request request, bool ours, string[] headers, CancellationToken stopping)
    {
        TimeProvider time = Model.TimeProvider;
        string body = ProtectionModel.BodyText(request.Body);
        AgentFault fault = ours
            ? Model.NextFault(new AgentCallContext(request.Method, body, time.GetUtcNow()))
            : new AgentFault(AgentFaultKind.TaskNotFound);
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
                await LoopbackHttpServer.WriteHeadAsync(stream, 200, AgentAnswers.JsonMediaType, answer.Body.Length + 1000, keepAlive: true, stopping, headers).ConfigureAwait(false);
                await stream.WriteAsync(Encoding.UTF8.GetBytes(answer.Body), stopping).ConfigureAwait(false);
                await Task.Delay(Timeout.InfiniteTimeSpan, time, stopping).ConfigureAwait(false);
                return false;
            case AgentFaultKind.OversizedBody:
                answer = new AgentAnswer(200, AgentAnswers.JsonMediaType, "{\"protection\":{\"ProtectionEnabled\":true,\"Padding\":\"" + new string('x', 1024 * 1024) + "\"}}");
                break;
            case AgentFaultKind.NotJson:
                answer = new AgentAnswer(200, "text/html; charset=utf-8", "<html><body>502 Bad Gateway</body></html>");
                break;
        }

        await WriteAsync(stream, answer, headers, stopping).ConfigureAwait(false);
        return true;
    }

    /// <summary>Whether the path is the task-protection route (<c>/api/{id without '/'}/task-protection/v1/state</c>), and for this fake's id.</summary>
    private static bool IsStatePath(string path, out bool ours)
    {
        ours = false;
        if (!path.StartsWith(StatePrefix, StringComparison.Ordinal) || !path.EndsWith(ProtectionModel.StatePathSuffix, StringComparison.Ordinal)
            || path.Length < StatePrefix.Length + ProtectionModel.StatePathSuffix.Length)
        {
            return false;
        }

        string id = path[StatePrefix.Length..^ProtectionModel.StatePathSuffix.Length];
        ours = id == ContainerId;
        return !id.Contains('/', StringComparison.Ordinal);
    }

    /// <summary>What tollbooth adds to every answer, and Go's Date.</summary>
    private string[] CommonHeaders(NetworkStream stream, HttpRequestReader.Request request)
    {
        string forwardedFor = Header(request, "X-Forwarded-For") ?? string.Empty;
        return
        [
            "X-Rate-Limit-Duration: 1",
            string.Create(CultureInfo.InvariantCulture, $"X-Rate-Limit-Limit: {RequestsPerSecond:0.00}"),
            $"X-Rate-Limit-Request-Forwarded-For: {forwardedFor}",
            $"X-Rate-Limit-Request-Remote-Addr: {stream.Socket.RemoteEndPoint}",
            "Date: " + Model.TimeProvider.GetUtcNow().ToString("R", CultureInfo.InvariantCulture),
        ];
    }

    /// <summary>tollbooth's key: the client's IP (RemoteAddr first) and the path.</summary>
    private static string LimiterKey(NetworkStream stream, HttpRequestReader.Request request) =>
        $"{(stream.Socket.RemoteEndPoint as IPEndPoint)?.Address}|{request.Path}";

    private static string? Header(HttpRequestReader.Request request, string name) =>
        request.Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static Task WriteAsync(NetworkStream stream, AgentAnswer answer, string[] headers, CancellationToken stopping) =>
        LoopbackHttpServer.WriteAsync(stream, answer.StatusCode, answer.ContentType, answer.Body, keepAlive: true, stopping, headers);

    private string TaskMetadataDocument()
    {
        // arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/ID
        string[] arn = Model.TaskArn.Split(':');
        string[] resource = arn.Length == 6 ? arn[5].Split('/') : [];
        string cluster = resource.Length == 3 ? $"arn:aws:ecs:{arn[3]}:{arn[4]}:cluster/{resource[1]}" : "default";
        var document = new System.Text.Json.Nodes.JsonObject
        {
            ["Cluster"] = cluster,
            ["TaskARN"] = Model.TaskArn,
            ["LaunchType"] = "FARGATE",
            ["AvailabilityZone"] = arn.Length == 6 ? arn[3] + "a" : "us-east-1a",
            ["DesiredStatus"] = "RUNNING",
            ["KnownStatus"] = "RUNNING",
        };
        if (Model.ServiceName is { } service)
        {
            document["ServiceName"] = service;
        }

        return document.ToJsonString();
    }

    private static Task DelayAsync(TimeSpan delay, TimeProvider time, CancellationToken stopping) =>
        delay > TimeSpan.Zero ? Task.Delay(delay, time, stopping) : Task.CompletedTask;
}
