using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.Runtime;

namespace TaskProtection;

/// <summary>
/// Calls one ECS API action through a transport, bounded by a timeout, and parses the answer; every failure becomes a
/// <see cref="TaskProtectionCallException"/> that says whether a retry can help.
/// </summary>
internal sealed class EcsApiCaller(IEcsApiTransport transport, TimeSpan requestTimeout, TimeProvider timeProvider)
{
    public async Task<TResponse> CallAsync<TRequest, TResponse>(
        string action,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        using var timeout = new CancellationTokenSource(requestTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        EcsApiResponse response;
        try
        {
            response = await transport.SendAsync(action, body, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TaskProtectionCallException(CallFailureKind.Timeout, true, $"ECS {action} at {transport.Destination} did not answer completely within {requestTimeout.TotalSeconds:0.###} s.", innerException: ex);
        }
        catch (HttpRequestException ex)
        {
            throw new TaskProtectionCallException(CallFailureKind.Transport, true, $"Could not reach ECS at {transport.Destination} for {action}: {ex.Message}", innerException: ex);
        }
        catch (IOException ex)
        {
            throw new TaskProtectionCallException(CallFailureKind.Transport, true, $"The connection to ECS at {transport.Destination} broke during {action}: {ex.Message}", innerException: ex);
        }
        catch (AmazonClientException ex)
        {
            // Fetching or refreshing credentials failed (the container credentials endpoint, say): a later try may succeed.
            throw new TaskProtectionCallException(CallFailureKind.Transport, true, $"Could not get AWS credentials for ECS {action}: {ex.Message}", innerException: ex);
        }

        return response.StatusCode is >= 200 and <= 299
            ? Parse(response, responseType, action)
            : throw EcsApiErrors.FromAnswer(response, action);
    }

    private static TResponse Parse<TResponse>(EcsApiResponse response, JsonTypeInfo<TResponse> type, string action)
    {
        try
        {
            return JsonSerializer.Deserialize(response.Body, type) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            throw new TaskProtectionCallException(CallFailureKind.MalformedResponse, true, $"ECS {action} answered HTTP {response.StatusCode} with a body that is not the expected JSON: {ex.Message}", response.StatusCode, innerException: ex);
        }
    }
}
