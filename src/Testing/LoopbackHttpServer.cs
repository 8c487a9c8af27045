using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TaskProtection.Testing;

/// <summary>
/// A small HTTP/1.1 server on 127.0.0.1 with keep-alive, for the fakes: it accepts connections, reads requests and lets
/// the fake answer each one (or hold it, or drop the connection, to play a fault).
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    /// <summary>Answers one request on the stream; returns false when the connection must close.</summary>
    public delegate Task<bool> Responder(NetworkStream stream, HttpRequestReader.Request request, CancellationToken stopping);

    private const int MaxRequestBytes = 64 * 1024;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _connections = [];
    private readonly Lock _lock = new();
    private readonly Responder _respond;
    private readonly Task _acceptLoop;

    /// <param name="respond">Answers each request.</param>
    /// <param name="port">The port on 127.0.0.1; 0 for any free one.</param>
    public LoopbackHttpServer(Responder respond, int port = 0)
    {
        _respond = respond;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    public CancellationToken Stopping => _stopping.Token;

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

    /// <summary>Writes a whole answer; <paramref name="contentType"/> goes out as given (none when null or empty).</summary>
    public static async Task WriteAsync(NetworkStream stream, int status, string? contentType, string body, bool keepAlive, CancellationToken cancellationToken, IEnumerable<string>? extraHeaders = null)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        await WriteHeadAsync(stream, status, contentType, bytes.Length, keepAlive, cancellationToken, extraHeaders).ConfigureAwait(false);
        await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the status line and headers. The media type is written exactly as given, because the servers the fakes
    /// stand for differ: the agent's JSON has no charset, its plain text has one, ECS's JSON 1.1 has none. HTTP/1.1 keeps
    /// the connection open by default, so only a closing answer says so, as Go's and ECS's servers do.
    /// </summary>
    public static async Task WriteHeadAsync(NetworkStream stream, int status, string? contentType, int contentLength, bool keepAlive, CancellationToken cancellationToken, IEnumerable<string>? extraHeaders = null)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {ReasonPhrase(status)}\r\n");
        if (!string.IsNullOrEmpty(contentType))
        {
            head.Append("Content-Type: ").Append(contentType).Append("\r\n");
        }

        foreach (string header in extraHeaders ?? [])
        {
            head.Append(header).Append("\r\n");
        }

        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {contentLength}\r\n");
        if (!keepAlive)
        {
            head.Append("Connection: close\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancellationToken).ConfigureAwait(false);
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
            // delayed acknowledgement (about 40 ms on Linux), and every call to the fake would take that long.
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
                    if (request is null || !await _respond(stream, request, _stopping.Token).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // The client went away or the server is stopping.
            }
            catch (InvalidDataException)
            {
                await WriteAsync(stream, 400, "text/plain; charset=utf-8", "400 Bad Request", keepAlive: false, _stopping.Token).ConfigureAwait(false);
            }
        }
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    };
}
