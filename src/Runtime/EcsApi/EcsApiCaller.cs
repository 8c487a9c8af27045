using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.Runtime;

namespace TaskProtection;

/// <summary>
/// Sends one ECS API action: JSON 1.1 <c>POST /</c> with <c>X-Amz-Target</c>, signed with SigV4, bounded by a timeout
/// and a size limit; every failure becomes a <see cref="TaskProtectionAgentException"/>. Neither credentials nor
/// signatures ever go into a message.
/// </summary>
internal sealed class EcsApiCaller(HttpClient httpClient, Func<EcsApiTarget> target, TimeSpan requestTimeout, TimeProvider timeProvider)
{
    public const string TargetPrefix = "AmazonEC2ContainerServiceV20141113.";
    public const string ContentType = "application/x-amz-json-1.1";
    public const string Service = "ecs";
    public const int MaxResponseBytes = 1024 * 1024;

    private static readonly MediaTypeHeaderValue JsonMediaType = new(ContentType);

    public async Task<TResponse> CallAsync<TRequest, TResponse>(
        string action,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
    {
        EcsApiTarget resolved = Resolve();
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        using var timeout = new CancellationTokenSource(requestTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            ImmutableCredentials credentials = await resolved.Credentials.GetCredentialsAsync().WaitAsync(linked.Token).ConfigureAwait(false);
            using HttpRequestMessage message = Signed(resolved, credentials, action, body);
            using HttpResponseMessage response = await httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            string? requestId = response.Headers.TryGetValues("x-amzn-RequestId", out IEnumerable<string>? ids) ? ids.FirstOrDefault() : null;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(MaxResponseBytes + 1);
            try
            {
                int length = await BoundedContent.ReadAsync(response.Content, buffer, MaxResponseBytes, linked.Token).ConfigureAwait(false);
                if (length < 0)
                {
                    throw new TaskProtectionAgentException(AgentFailureKind.MalformedResponse, true, $"ECS {action}: the answer from {resolved.Endpoint} is larger than {MaxResponseBytes} bytes; the endpoint may not be ECS.");
                }

                ReadOnlySpan<byte> answer = buffer.AsSpan(0, length);
                return response.IsSuccessStatusCode
                    ? Parse(answer, responseType, action, (int)response.StatusCode)
                    : throw EcsApiErrors.FromAnswer((int)response.StatusCode, answer, action, requestId);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TaskProtectionAgentException(AgentFailureKind.Timeout, true, $"ECS {action} at {resolved.Endpoint} did not answer completely within {requestTimeout.TotalSeconds:0.###} s.", innerException: ex);
        }
        catch (HttpRequestException ex)
        {
            throw new TaskProtectionAgentException(AgentFailureKind.Transport, true, $"Could not reach ECS at {resolved.Endpoint} for {action}: {ex.Message}", innerException: ex);
        }
        catch (IOException ex)
        {
            throw new TaskProtectionAgentException(AgentFailureKind.Transport, true, $"The connection to ECS at {resolved.Endpoint} broke during {action}: {ex.Message}", innerException: ex);
        }
        catch (AmazonClientException ex)
        {
            // Fetching or refreshing credentials failed (the container credentials endpoint, say): a later try may succeed.
            throw new TaskProtectionAgentException(AgentFailureKind.Transport, true, $"Could not get AWS credentials for ECS {action}: {ex.Message}", innerException: ex);
        }
    }

    private EcsApiTarget Resolve()
    {
        try
        {
            return target();
        }
        catch (InvalidOperationException ex)
        {
            throw new TaskProtectionAgentException(AgentFailureKind.Error, false, ex.Message, innerException: ex);
        }
    }

    private HttpRequestMessage Signed(EcsApiTarget resolved, ImmutableCredentials credentials, string action, byte[] body)
    {
        DateTime now = timeProvider.GetUtcNow().UtcDateTime;
        string host = resolved.Endpoint.IsDefaultPort ? resolved.Endpoint.Host : $"{resolved.Endpoint.Host}:{resolved.Endpoint.Port}";
        var headers = new List<KeyValuePair<string, string>>
        {
            new("Content-Type", ContentType),
            new("Host", host),
            new("X-Amz-Date", SigV4Signer.AmzDate(now)),
            new("X-Amz-Target", TargetPrefix + action),
        };
        if (credentials.UseToken)
        {
            headers.Add(new("X-Amz-Security-Token", credentials.Token));
        }

        string path = resolved.Endpoint.AbsolutePath.Length == 0 ? "/" : resolved.Endpoint.AbsolutePath;
        string authorization = SigV4Signer.Authorization(credentials, resolved.Region, Service, now, "POST", path, string.Empty, headers, SigV4Signer.PayloadHash(body));
        var message = new HttpRequestMessage(HttpMethod.Post, resolved.Endpoint) { Content = new ByteArrayContent(body) { Headers = { ContentType = JsonMediaType } } };
        foreach ((string name, string value) in headers)
        {
            if (name is not "Content-Type" and not "Host")
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        message.Headers.Host = host;
        message.Headers.TryAddWithoutValidation("Authorization", authorization);
        return message;
    }

    private static TResponse Parse<TResponse>(ReadOnlySpan<byte> answer, JsonTypeInfo<TResponse> type, string action, int statusCode)
    {
        try
        {
            return JsonSerializer.Deserialize(answer, type) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            throw new TaskProtectionAgentException(AgentFailureKind.MalformedResponse, true, $"ECS {action} answered HTTP {statusCode} with a body that is not the expected JSON: {ex.Message}", statusCode, innerException: ex);
        }
    }
}
