using System.Buffers;
using System.Net.Http.Headers;
using Amazon.Runtime;

namespace TaskProtection;

/// <summary>
/// JSON 1.1 over HTTP: <c>POST /</c> with <c>X-Amz-Target</c>, signed with SigV4, the answer read up to a size limit.
/// Neither credentials nor signatures ever go into a message.
/// </summary>
internal sealed class HttpEcsApiTransport(HttpClient httpClient, Func<EcsApiTarget> target, TimeProvider timeProvider) : IEcsApiTransport
{
    private readonly SigningClock _clock = new(timeProvider);

    public const string TargetPrefix = "AmazonEC2ContainerServiceV20141113.";
    public const string ContentType = "application/x-amz-json-1.1";
    public const string Service = "ecs";
    public const int MaxResponseBytes = 1024 * 1024;

    private static readonly MediaTypeHeaderValue JsonMediaType = new(ContentType);
    private EcsApiTarget? _resolved;

    public string Destination => _resolved?.Endpoint.ToString() ?? "ECS";

    public async Task<EcsApiResponse> SendAsync(string action, byte[] body, CancellationToken cancellationToken)
    {
        EcsApiTarget resolved = Resolve();
        ImmutableCredentials credentials = await resolved.Credentials.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        EcsApiResponse response = await SendSignedAsync(resolved, credentials, action, body, cancellationToken).ConfigureAwait(false);

        // A signature refused because this machine's clock is off: signed again with ECS's time, as the AWS SDKs do.
        return _clock.Correct(response)
            ? await SendSignedAsync(resolved, credentials, action, body, cancellationToken).ConfigureAwait(false)
            : response;
    }

    private async Task<EcsApiResponse> SendSignedAsync(EcsApiTarget resolved, ImmutableCredentials credentials, string action, byte[] body, CancellationToken cancellationToken)
    {
        using HttpRequestMessage message = Signed(resolved, credentials, action, body);
        using HttpResponseMessage response = await httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        string? requestId = response.Headers.TryGetValues("x-amzn-RequestId", out IEnumerable<string>? ids) ? ids.FirstOrDefault() : null;
        string? errorType = response.Headers.TryGetValues("X-Amzn-ErrorType", out IEnumerable<string>? types) ? types.FirstOrDefault() : null;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(MaxResponseBytes + 1);
        try
        {
            int length = await BoundedContent.ReadAsync(response.Content, buffer, MaxResponseBytes, cancellationToken).ConfigureAwait(false);
            return length >= 0
                ? new EcsApiResponse((int)response.StatusCode, buffer.AsSpan(0, length).ToArray(), requestId) { ErrorType = errorType, ServerDate = response.Headers.Date }
                : throw new TaskProtectionCallException(CallFailureKind.MalformedResponse, true, $"ECS {action}: the answer from {resolved.Endpoint} is larger than {MaxResponseBytes} bytes; the endpoint may not be ECS.");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private EcsApiTarget Resolve()
    {
        try
        {
            return _resolved = target();
        }
        catch (InvalidOperationException ex)
        {
            throw new TaskProtectionCallException(CallFailureKind.Error, false, ex.Message, innerException: ex);
        }
    }

    private HttpRequestMessage Signed(EcsApiTarget resolved, ImmutableCredentials credentials, string action, byte[] body)
    {
        DateTime now = _clock.UtcNow.UtcDateTime;
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

        // The endpoint's path was normalized when it was resolved: the path sent is the path signed.
        string authorization = SigV4Signer.Authorization(credentials, resolved.Region, Service, now, "POST", resolved.Endpoint.AbsolutePath, string.Empty, headers, SigV4Signer.PayloadHash(body));
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
}
