using System.Globalization;
using System.Net;
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
    private const int MaxRequestBytes = 64 * 1024;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _connections = [];
    private readonly Lock _lock = new();
    private Task _acceptLoop = Task.CompletedTask;

    private FakeEcsAgent(ProtectionModel model, TcpListener listener)
    {
        Model = model;
        _listener = listener;
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        AgentUri = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}/api/fake-container-id"));
    }

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
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var agent = new FakeEcsAgent(model ?? new ProtectionModel(), listener);
        agent._acceptLoop = agent.AcceptLoopAsync();
        return Task.FromResult(agent);
    }

    /// <summary>Stops listening and closes every connection.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        Task[] connections;
        lock (_lock)
        {
            connections = [.. _connections];
        }

        try
        {
            await Task.WhenAll([_acceptLoop, .. connections]).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or TimeoutException or ObjectDisposedException)
        {
            // Shutting down: connections end however they end.
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            // Head and body go out in two writes: without this, Nagle's algorithm holds the body back until the client's
            // delayed acknowledgement (about 40 ms on Linux), and every call to the fake agent would take that long.
            client.NoDelay = true;
            lock (_lock)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(ServeConnectionAsync(client));
            }
        }
    }

    private async Task ServeConnectionAsync(TcpClient client)
    {
        using (client)
        {
            NetworkStream stream = client.GetStream();
            var reader = new HttpRequestReader(stream);
            try
            {
                while (!_stopping.IsCancellationRequested)
                {
                    HttpRequestReader.Request? request = await reader.ReadAsync(MaxRequestBytes, _stopping.Token).ConfigureAwait(false);
                    if (request is null)
                    {
                        return;
                    }

                    if (!await RespondAsync(stream, request).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // The client went away or the agent is stopping.
            }
            catch (InvalidDataException)
            {
                await WriteAsync(stream, 400, "text/plain", "Bad request", keepAlive: false).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Answers one request; false when the connection must close.</summary>
    private async Task<bool> RespondAsync(NetworkStream stream, HttpRequestReader.Request request)
    {
        TimeProvider time = Model.TimeProvider;
        string body = ProtectionModel.BodyText(request.Body);
        AgentFault fault = Model.NextFault(new AgentCallContext(request.Method, body, time.GetUtcNow()));
        await DelayAsync(fault.RequestDelay, time).ConfigureAwait(false);
        if (fault.Kind == AgentFaultKind.Blackhole)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, time, _stopping.Token).ConfigureAwait(false);
        }

        AgentAnswer answer = Model.Receive(request.Method, request.Path, body, fault);
        await DelayAsync(fault.ResponseDelay, time).ConfigureAwait(false);
        switch (fault.Kind)
        {
            case AgentFaultKind.DropConnection:
                return false;
            case AgentFaultKind.NoResponse or AgentFaultKind.LateLanding:
                // LateLanding was applied after its delay above, whether or not the client was still waiting.
                await Task.Delay(Timeout.InfiniteTimeSpan, time, _stopping.Token).ConfigureAwait(false);
                return false;
            case AgentFaultKind.TruncatedBody:
                await WriteHeadAsync(stream, 200, "application/json", answer.Body.Length + 1000, keepAlive: true).ConfigureAwait(false);
                await stream.WriteAsync(Encoding.UTF8.GetBytes(answer.Body), _stopping.Token).ConfigureAwait(false);
                await Task.Delay(Timeout.InfiniteTimeSpan, time, _stopping.Token).ConfigureAwait(false);
                return false;
            case AgentFaultKind.OversizedBody:
                await WriteAsync(stream, 200, "application/json", "{\"protection\":{\"ProtectionEnabled\":true,\"Padding\":\"" + new string('x', 1024 * 1024) + "\"}}", keepAlive: true).ConfigureAwait(false);
                return true;
            case AgentFaultKind.NotJson:
                await WriteAsync(stream, 200, "text/html", "<html><body>502 Bad Gateway</body></html>", keepAlive: true).ConfigureAwait(false);
                return true;
            default:
                await WriteAsync(stream, answer.StatusCode, answer.ContentType, answer.Body, keepAlive: true).ConfigureAwait(false);
                return true;
        }
    }

    private Task DelayAsync(TimeSpan delay, TimeProvider time) =>
        delay > TimeSpan.Zero ? Task.Delay(delay, time, _stopping.Token) : Task.CompletedTask;

    private async Task WriteAsync(NetworkStream stream, int status, string contentType, string body, bool keepAlive)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        await WriteHeadAsync(stream, status, contentType, bytes.Length, keepAlive).ConfigureAwait(false);
        await stream.WriteAsync(bytes, _stopping.Token).ConfigureAwait(false);
    }

    private async Task WriteHeadAsync(NetworkStream stream, int status, string contentType, int contentLength, bool keepAlive)
    {
        string head = string.Create(
            CultureInfo.InvariantCulture,
            $"HTTP/1.1 {status} {ReasonPhrase(status)}\r\nContent-Type: {contentType}; charset=utf-8\r\nContent-Length: {contentLength}\r\nConnection: {(keepAlive ? "keep-alive" : "close")}\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stopping.Token).ConfigureAwait(false);
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        504 => "Gateway Timeout",
        _ => "Status",
    };
}
