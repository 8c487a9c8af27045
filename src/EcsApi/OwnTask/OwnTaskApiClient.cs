namespace TaskProtection;

/// <summary>
/// The manager's client for <see cref="ProtectionBackend.EcsApi"/>: its own task through the ECS API. The cluster and
/// task ARN come from <see cref="EcsApiOptions"/> or, at the first call, from the task metadata endpoint; a failed read
/// is a failed call (retried as any other), not a crash at start-up.
/// </summary>
internal sealed class OwnTaskApiClient(HttpClient http, TaskProtectionOptions options, Uri? metadataUri, Amazon.Runtime.AWSCredentials? credentials, TimeProvider time) : ITaskProtectionClient
{
    private readonly Lock _lock = new();
    private Task<ITaskProtectionClient>? _resolution;

    public Task<TaskProtectionState> EnableAsync(int expiresInMinutes, CancellationToken cancellationToken) =>
        CallAsync(c => c.EnableAsync(expiresInMinutes, cancellationToken), cancellationToken);

    public Task<TaskProtectionState> DisableAsync(CancellationToken cancellationToken) =>
        CallAsync(c => c.DisableAsync(cancellationToken), cancellationToken);

    public Task<TaskProtectionState> GetAsync(CancellationToken cancellationToken) =>
        CallAsync(c => c.GetAsync(cancellationToken), cancellationToken);

    /// <summary>Why this client cannot work here, or null when it can: neither the task metadata endpoint nor both settings.</summary>
    public static string? UnavailableReason(EcsApiOptions api, Uri? metadataUri) =>
        metadataUri is null && (string.IsNullOrWhiteSpace(api.Cluster) || string.IsNullOrWhiteSpace(api.TaskArn))
            ? $"Backend is EcsApi but {TaskMetadata.MetadataUriVariable} is not set (not running in ECS) and TaskProtection:EcsApi:Cluster and TaskArn are not both set"
            : null;

    private async Task<TaskProtectionState> CallAsync(Func<ITaskProtectionClient, Task<TaskProtectionState>> call, CancellationToken cancellationToken)
    {
        Task<ITaskProtectionClient> resolution;
        lock (_lock)
        {
            // A failed resolution (the metadata endpoint not ready yet, say) is tried again by the next call.
            resolution = _resolution is { IsFaulted: false, IsCanceled: false } ? _resolution : _resolution = ResolveAsync();
        }

        ITaskProtectionClient client = await resolution.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await call(client).ConfigureAwait(false);
    }

    private async Task<ITaskProtectionClient> ResolveAsync()
    {
        EcsApiOptions api = options.EcsApi.Clone();
        if (string.IsNullOrWhiteSpace(api.Cluster) || string.IsNullOrWhiteSpace(api.TaskArn))
        {
            Uri uri = metadataUri ?? throw new TaskProtectionCallException(CallFailureKind.Error, false, UnavailableReason(api, metadataUri) + ".");
            TaskMetadata task = await TaskMetadata.ReadAsync(http, uri, options.RequestTimeout, time, CancellationToken.None).ConfigureAwait(false);
            api.Cluster = string.IsNullOrWhiteSpace(api.Cluster) ? task.Cluster : api.Cluster;
            api.TaskArn = string.IsNullOrWhiteSpace(api.TaskArn) ? task.TaskArn : api.TaskArn;
        }

        var client = new EcsApiTaskProtectionClient(http, api, options.RequestTimeout, credentials, time);
        return client.ForTask(api.Cluster!, api.TaskArn!);
    }
}
