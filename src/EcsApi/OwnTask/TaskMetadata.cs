using System.Text.Json;

namespace TaskProtection;

/// <summary>
/// The task's identity from the task metadata endpoint v4 (<c>${ECS_CONTAINER_METADATA_URI_V4}/task</c>): its cluster
/// (an ARN), its ARN, and its service's name (absent for a task no service started).
/// </summary>
internal sealed record TaskMetadata(string Cluster, string TaskArn)
{
    /// <summary>The service that started the task (<c>ServiceName</c>); null for a standalone task.</summary>
    public string? ServiceName { get; init; }

    public const string MetadataUriVariable = "ECS_CONTAINER_METADATA_URI_V4";
    private const int MaxBytes = 256 * 1024;

    public static async Task<TaskMetadata> ReadAsync(HttpClient http, Uri metadataUri, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var taskUri = new Uri(metadataUri.AbsoluteUri.TrimEnd('/') + "/task");
        using var bounded = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bounded.Token);
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(MaxBytes + 1);
        try
        {
            using HttpResponseMessage response = await http.GetAsync(taskUri, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            int length = await BoundedContent.ReadAsync(response.Content, buffer, MaxBytes, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode || length < 0)
            {
                throw Unreadable(taskUri, $"HTTP {(int)response.StatusCode}{(length < 0 ? $", more than {MaxBytes} bytes" : string.Empty)}", retryable: (int)response.StatusCode >= 500);
            }

            using JsonDocument document = JsonDocument.Parse(buffer.AsMemory(0, length));
            string? cluster = Text(document.RootElement, "Cluster");
            string? arn = Text(document.RootElement, "TaskARN");
            return cluster is not null && arn is not null
                ? new TaskMetadata(cluster, arn) { ServiceName = Text(document.RootElement, "ServiceName") }
                : throw Unreadable(taskUri, "no Cluster or TaskARN in the document", retryable: false);
        }
        catch (JsonException ex)
        {
            throw Unreadable(taskUri, $"not JSON ({ex.Message})", retryable: true, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreadable(taskUri, $"no answer within {timeout.TotalSeconds:0.###} s", retryable: true, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw Unreadable(taskUri, ex.Message, retryable: true, ex);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static TaskProtectionCallException Unreadable(Uri uri, string what, bool retryable, Exception? inner = null) =>
        new(CallFailureKind.Transport, retryable, $"Could not read the task's cluster and ARN from the task metadata endpoint {uri}: {what}. Or set TaskProtection:EcsApi:Cluster and TaskArn.", innerException: inner);
}
