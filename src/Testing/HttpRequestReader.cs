using System.Globalization;
using System.Text;

namespace TaskProtection.Testing;

/// <summary>Reads HTTP/1.1 requests with a Content-Length body (what HttpClient sends) from a stream; enough for the agent.</summary>
internal sealed class HttpRequestReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    /// <summary>One request: its target split into path and query, its headers in the order sent, its body.</summary>
    internal sealed record Request(string Method, string Path, byte[] Body)
    {
        public string Query { get; init; } = string.Empty;

        public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
    }

    /// <summary>The next request, or null when the client closed the connection cleanly.</summary>
    public async Task<Request?> ReadAsync(int maxBytes, CancellationToken cancellationToken)
    {
        string? requestLine = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(requestLine))
        {
            return null;
        }

        string[] parts = requestLine.Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Not an HTTP/1.x request line: '{requestLine}'.");
        }

        List<KeyValuePair<string, string>> headers = await ReadHeadersAsync(cancellationToken).ConfigureAwait(false);
        string? lengthText = headers.Find(static h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value;
        int contentLength = lengthText is null ? 0 : int.Parse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture);
        if (headers.Exists(static h => h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidDataException("Chunked request bodies are not supported by the fakes.");
        }

        if (contentLength > maxBytes)
        {
            throw new InvalidDataException($"The request body ({contentLength} bytes) is larger than {maxBytes} bytes.");
        }

        byte[] body = await ReadBodyAsync(contentLength, cancellationToken).ConfigureAwait(false);
        string path = parts[1];
        int query = path.IndexOf('?', StringComparison.Ordinal);
        return new Request(parts[0], query >= 0 ? path[..query] : path, body)
        {
            Query = query >= 0 ? path[(query + 1)..] : string.Empty,
            Headers = headers,
        };
    }

    private async Task<List<KeyValuePair<string, string>>> ReadHeadersAsync(CancellationToken cancellationToken)
    {
        var headers = new List<KeyValuePair<string, string>>();
        while (true)
        {
            string header = await ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? throw new InvalidDataException("The connection closed inside the headers.");
            if (header.Length == 0)
            {
                return headers;
            }

            int colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.Add(new(header[..colon].Trim(), header[(colon + 1)..].Trim()));
            }
        }
    }

    private async Task<byte[]> ReadBodyAsync(int contentLength, CancellationToken cancellationToken)
    {
        byte[] body = new byte[contentLength];
        int filled = 0;
        while (filled < contentLength)
        {
            if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidDataException("The connection closed inside the body.");
            }

            int take = Math.Min(contentLength - filled, _end - _start);
            Array.Copy(_buffer, _start, body, filled, take);
            _start += take;
            filled += take;
        }

        return body;
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return line.Length == 0 ? null : line.ToString();
            }

            while (_start < _end)
            {
                byte b = _buffer[_start++];
                if (b == '\n')
                {
                    return line.ToString().TrimEnd('\r');
                }

                if (line.Length > 8192)
                {
                    throw new InvalidDataException("A request line or header is longer than 8 KiB.");
                }

                line.Append((char)b);
            }
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
        return _end > 0;
    }
}
