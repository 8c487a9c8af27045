using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace TaskProtection.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 that serves the ECS API's task-protection actions from an <see cref="EcsApiModel"/>,
/// checking every request's SigV4 signature against the credentials it was given, as ECS does: unsigned, wrongly
/// signed, stale, wrongly scoped or token-less requests are refused with ECS's error types. Point
/// <see cref="EcsApiOptions.EndpointUrl"/> (or <c>AWS_ENDPOINT_URL_ECS</c>) at <see cref="EndpointUri"/> and sign with
/// <see cref="Credentials"/>.
/// </summary>
public sealed class FakeEcsApi : IAsyncDisposable
{
    /// <summary>The SigV4 service name of ECS.</summary>
    public const string Service = "ecs";

    private const string TargetPrefix = "AmazonEC2ContainerServiceV20141113.";
    private readonly LoopbackHttpServer _server;
    private readonly Dictionary<string, FakeEcsApiCredentials> _keys = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    private FakeEcsApi(EcsApiModel model)
    {
        Model = model;
        Credentials = new FakeEcsApiCredentials("AKIDFAKEECSAPI000001", "fake/secret/for+tests/only/0123456789abcd");
        _keys[Credentials.AccessKeyId] = Credentials;
        _server = new LoopbackHttpServer(RespondAsync);
        EndpointUri = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_server.Port}/"));
    }

    /// <summary>The endpoint, as for <c>AWS_ENDPOINT_URL_ECS</c>.</summary>
    public Uri EndpointUri { get; }

    /// <summary>The clusters, services, tasks and their protection; the call log and fault script.</summary>
    public EcsApiModel Model { get; }

    /// <summary>Credentials the fake accepts from the start.</summary>
    public FakeEcsApiCredentials Credentials { get; }

    /// <summary>Starts the fake on a free port of 127.0.0.1.</summary>
    /// <param name="model">The model to serve; an empty one on the system clock when null.</param>
    /// <param name="cancellationToken">Unused; starting does not wait.</param>
    /// <returns>The running fake.</returns>
    public static Task<FakeEcsApi> StartAsync(EcsApiModel? model = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new FakeEcsApi(model ?? new EcsApiModel()));
    }

    /// <summary>Accepts more credentials (session credentials, say).</summary>
    /// <param name="credentials">The credentials.</param>
    public void Accept(FakeEcsApiCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        lock (_lock)
        {
            _keys[credentials.AccessKeyId] = credentials;
        }
    }

    /// <summary>Stops listening and closes every connection.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task<bool> RespondAsync(NetworkStream stream, HttpRequestReader.Request request, CancellationToken stopping)
    {
        string body = Encoding.UTF8.GetString(request.Body);
        string target = request.Headers.FirstOrDefault(h => h.Key.Equals("X-Amz-Target", StringComparison.OrdinalIgnoreCase)).Value ?? string.Empty;
        string action = target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : target;
        EcsApiError? refusal = Check(request, target);
        (int status, string answer) = refusal is not null ? Model.Refuse(action, body, refusal) : await ApplyAsync(action, body, stopping).ConfigureAwait(false);
        if (status < 0)
        {
            return false;
        }

        // ECS's Date is what the AWS SDKs correct a skewed clock from.
        string[] headers = [$"x-amzn-RequestId: {Guid.NewGuid()}", "Date: " + Model.TimeProvider.GetUtcNow().ToString("R", System.Globalization.CultureInfo.InvariantCulture)];
        await LoopbackHttpServer.WriteAsync(stream, status, "application/x-amz-json-1.1", answer, keepAlive: true, stopping, headers).ConfigureAwait(false);
        return true;
    }

    /// <summary>Applies the call with its fault's timing; status −1 when the connection must close without an answer.</summary>
    private async Task<(int Status, string Body)> ApplyAsync(string action, string body, CancellationToken stopping)
    {
        EcsApiFault fault = Model.NextFault(action);
        TimeProvider time = Model.TimeProvider;
        if (fault.RequestDelay > TimeSpan.Zero)
        {
            await Task.Delay(fault.RequestDelay, time, stopping).ConfigureAwait(false);
        }

        (int status, string answer) = Model.Receive(action, body, fault);
        if (fault.NoResponse)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, time, stopping).ConfigureAwait(false);
            return (-1, string.Empty);
        }

        if (fault.ResponseDelay > TimeSpan.Zero)
        {
            await Task.Delay(fault.ResponseDelay, time, stopping).ConfigureAwait(false);
        }

        return (status, answer);
    }

    private EcsApiError? Check(HttpRequestReader.Request request, string target)
    {
        if (request.Method != "POST" || request.Path != "/")
        {
            return new EcsApiError(400, "UnknownOperationException", "The ECS API takes POST / only.");
        }

        Dictionary<string, FakeEcsApiCredentials> keys;
        lock (_lock)
        {
            keys = new Dictionary<string, FakeEcsApiCredentials>(_keys, StringComparer.Ordinal);
        }

        EcsApiError? signature = SigV4Verifier.Verify(request, $"127.0.0.1:{_server.Port}", keys, Model.Region, Service, Model.TimeProvider.GetUtcNow());
        if (signature is not null)
        {
            return signature;
        }

        return target.StartsWith(TargetPrefix, StringComparison.Ordinal)
            ? null
            : new EcsApiError(400, "UnknownOperationException", $"X-Amz-Target must name an ECS action ({TargetPrefix}…), but is '{target}'.");
    }
}
