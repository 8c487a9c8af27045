using System.Buffers;
using System.Net.Http.Headers;
using System.Text;

namespace TaskProtection;

/// <summary>
/// Calls the ECS agent's task-protection endpoint, <c>{ECS_AGENT_URI}/task-protection/v1/state</c>, over HTTP.
/// Every call is bounded by a timeout and the answer by a size limit; every failure, including a
/// <c>failure</c> that arrives with HTTP 200, becomes a <see cref="TaskProtectionCallException"/>.
/// </summary>
public sealed class EcsAgentClient : ITaskProtectionClient
{
    /// <summary>The environment variable ECS sets to the agent's address.</summary>
    public const string AgentUriVariable = "ECS_AGENT_URI";

    /// <summary>The path of the endpoint under the agent's address.</summary>
    internal const string StatePath = "task-protection/v1/state";

    /// <summary>Answers larger than this are refused: the agent's answers are a few hundred bytes.</summary>
    internal const int MaxResponseBytes = 64 * 1024;

    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json");
    private readonly HttpClient _httpClient;
    private readonly Uri _stateUri;
    private readonly TimeSpan _requestTimeout;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the client.</summary>
    /// <param name="httpClient">The HTTP client; its own timeout should be at least <paramref name="requestTimeout"/>.</param>
    /// <param name="agentUri">The agent's address, as in <c>ECS_AGENT_URI</c>.</param>
    /// <param name="requestTimeout">Bound on each call, from sending to the last byte of the answer.</param>
    /// <param name="timeProvider">Clock for the timeout; <see cref="TimeProvider.System"/> when null.</param>
    public EcsAgentClient(HttpClient httpClient, Uri agentUri, TimeSpan requestTimeout, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(agentUri);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(requestTimeout, TimeSpan.Zero);
        if (!agentUri.IsAbsoluteUri || (agentUri.Scheme != Uri.UriSchemeHttp && agentUri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The agent address must be an absolute http(s) URI, as ECS sets in {AgentUriVariable}; got '{agentUri}'.", nameof(agentUri));
        }

        _httpClient = httpClient;
        string baseText = agentUri.AbsoluteUri.EndsWith('/') ? agentUri.AbsoluteUri : agentUri.AbsoluteUri + "/";
        _stateUri = new Uri(new Uri(baseText), StatePath);
        _requestTimeout = requestTimeout;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The endpoint this client calls.</summary>
    public Uri StateUri => _stateUri;

    /// <inheritdoc />
    public Task<TaskProtectionState> EnableAsync(int expiresInMinutes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(expiresInMinutes, GapBudget.MinExpiresInMinutes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(expiresInMinutes, GapBudget.MaxExpiresInMinutes);
        return SendAsync(HttpMethod.Put, ProtectionRequestBody.Enable(expiresInMinutes), expectedEnabled: true, cancellationToken);
    }

    /// <inheritdoc />
    public Task<TaskProtectionState> DisableAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, ProtectionRequestBody.Disable(), expectedEnabled: false, cancellationToken);

    /// <inheritdoc />
    public Task<TaskProtectionState> GetAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, body: null, expectedEnabled: null, cancellationToken);

    private async Task<TaskProtectionState> SendAsync(HttpMethod method, byte[]? body, bool? expectedEnabled, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_requestTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = new HttpRequestMessage(method, _stateUri);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body) { Headers = { ContentType = JsonMediaType } };
            }

            using HttpResponseMessage response = await _httpClient
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token)
                .ConfigureAwait(false);
            byte[] buffer = ArrayPool<byte>.Shared.Rent(MaxResponseBytes + 1);
            try
            {
                int length = await BoundedContent.ReadAsync(response.Content, buffer, MaxResponseBytes, linked.Token).ConfigureAwait(false);
                if (length < 0)
                {
                    throw TooLarge(response.Content.Headers.ContentLength);
                }

                return AgentResponseParser.Parse((int)response.StatusCode, buffer.AsSpan(0, length), expectedEnabled);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TaskProtectionCallException(
                CallFailureKind.Timeout,
                isRetryable: true,
                $"The ECS agent did not answer {method} {_stateUri} completely within {_requestTimeout.TotalSeconds:0.###} s.",
                innerException: ex);
        }
        catch (HttpRequestException ex)
        {
            throw new TaskProtectionCallException(
                CallFailureKind.Transport,
                isRetryable: true,
                $"Could not reach the ECS agent at {_stateUri}: {ex.Message}",
                innerException: ex);
        }
        catch (IOException ex)
        {
            throw new TaskProtectionCallException(
                CallFailureKind.Transport,
                isRetryable: true,
                $"The connection to the ECS agent at {_stateUri} broke: {ex.Message}",
                innerException: ex);
        }
    }

    private static TaskProtectionCallException TooLarge(long? declared) =>
        new(
            CallFailureKind.MalformedResponse,
            isRetryable: true,
            $"The ECS agent's answer is larger than {MaxResponseBytes} bytes{(declared is > MaxResponseBytes ? $" (Content-Length {declared})" : string.Empty)}; the agent's answers are a few hundred bytes, so something else answered.");
}

/// <summary>The request bodies: only the two fields the agent knows, since it rejects unknown fields with 400.</summary>
internal static class ProtectionRequestBody
{
    public static byte[] Enable(int expiresInMinutes) =>
        Encoding.UTF8.GetBytes($"{{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":{expiresInMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}");

    public static byte[] Disable() => Encoding.UTF8.GetBytes("{\"ProtectionEnabled\":false}");
}
