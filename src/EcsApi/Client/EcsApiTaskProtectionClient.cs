using Amazon.Runtime;

namespace TaskProtection;

/// <summary>
/// Calls the ECS API's <c>UpdateTaskProtection</c>, <c>GetTaskProtection</c> and <c>ListTasks</c> for any task of any
/// cluster, from inside or outside ECS: requests signed with SigV4 by AWSSDK.Core, credentials from its default chain
/// (or a named profile), region and endpoint found as every AWS SDK finds them (see <see cref="EcsApiOptions"/>).
/// Lists longer than the API's limits are split into several calls (10 tasks per update, 100 per read) and
/// <c>ListTasks</c> pages are followed to the end. Every failure is a <see cref="TaskProtectionCallException"/> saying
/// whether a retry can help; tasks the API could not act on come back in <see cref="EcsTaskProtectionResult.Failures"/>.
/// </summary>
public sealed class EcsApiTaskProtectionClient
{
    /// <summary>At most this many tasks per <c>UpdateTaskProtection</c> call, as ECS allows.</summary>
    public const int MaxTasksPerUpdate = 10;

    /// <summary>At most this many tasks per <c>GetTaskProtection</c> call, as ECS allows.</summary>
    public const int MaxTasksPerGet = 100;

    /// <summary>The page size asked of <c>ListTasks</c>, its largest.</summary>
    public const int ListTasksPageSize = 100;

    /// <summary>At most this many services per <c>DescribeServices</c> call, as ECS allows.</summary>
    internal const int MaxServicesPerDescribe = 10;

    // ECS accepts 1 to 2880 minutes of protection.
    private const int MinExpiresInMinutes = 1;
    private const int MaxExpiresInMinutes = 2880;

    private readonly EcsApiCaller _caller;
    private readonly ResolveOnce<EcsApiTarget>? _target;

    /// <summary>Creates the client. Nothing is resolved or called until the first call.</summary>
    /// <param name="httpClient">The HTTP client; its own timeout should be at least <paramref name="requestTimeout"/>.</param>
    /// <param name="options">Region, endpoint and profile; all found from the environment when null or unset.</param>
    /// <param name="requestTimeout">Bound on each call, from fetching credentials to the last byte of the answer. Default 10 s.</param>
    /// <param name="credentials">The credentials to sign with; default: the profile in <paramref name="options"/>, else AWSSDK.Core's default chain.</param>
    /// <param name="timeProvider">Clock for signing and timeouts; <see cref="TimeProvider.System"/> when null.</param>
    public EcsApiTaskProtectionClient(
        HttpClient httpClient,
        EcsApiOptions? options = null,
        TimeSpan? requestTimeout = null,
        AWSCredentials? credentials = null,
        TimeProvider? timeProvider = null)
        : this(httpClient, options, requestTimeout, credentials, timeProvider, Environment.GetEnvironmentVariable)
    {
    }

    internal EcsApiTaskProtectionClient(
        HttpClient httpClient,
        EcsApiOptions? options,
        TimeSpan? requestTimeout,
        AWSCredentials? credentials,
        TimeProvider? timeProvider,
        Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        TimeSpan timeout = requestTimeout ?? TimeSpan.FromSeconds(10);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(requestTimeout));
        EcsApiOptions settings = options?.Clone() ?? new EcsApiOptions();
        var target = new ResolveOnce<EcsApiTarget>(() => EcsApiTarget.Resolve(settings, settings.TaskArn, credentials, environment));
        _target = target;
        TimeProvider time = timeProvider ?? TimeProvider.System;
        _caller = new EcsApiCaller(new HttpEcsApiTransport(httpClient, () => target.Value, time), timeout, time);
    }

    /// <summary>A client over another transport: in memory, for simulations on a fake clock.</summary>
    internal EcsApiTaskProtectionClient(IEcsApiTransport transport, TimeSpan requestTimeout, TimeProvider timeProvider) =>
        _caller = new EcsApiCaller(transport, requestTimeout, timeProvider);

    /// <summary>The endpoint calls go to (resolving it on first use); null for an in-memory client.</summary>
    public Uri? Endpoint => _target?.Value.Endpoint;

    /// <summary>The region requests are signed for (resolving it on first use); null for an in-memory client.</summary>
    public string? Region => _target?.Value.Region;

    /// <summary>Enables or disables protection of <paramref name="tasks"/>, ten per call.</summary>
    /// <param name="cluster">The cluster's name or ARN.</param>
    /// <param name="tasks">Task ARNs or IDs; at least one.</param>
    /// <param name="protectionEnabled">Whether to protect them.</param>
    /// <param name="expiresInMinutes">With <paramref name="protectionEnabled"/>: 1 to 2880 minutes from when ECS receives the call; ECS uses 120 when null.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>Every task's new protection, and the tasks ECS could not act on.</returns>
    public async Task<EcsTaskProtectionResult> UpdateTaskProtectionAsync(
        string cluster,
        IReadOnlyList<string> tasks,
        bool protectionEnabled,
        int? expiresInMinutes = null,
        CancellationToken cancellationToken = default)
    {
        CheckTasks(cluster, tasks);
        if (expiresInMinutes is { } minutes)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(minutes, MinExpiresInMinutes, nameof(expiresInMinutes));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(minutes, MaxExpiresInMinutes, nameof(expiresInMinutes));
        }

        var result = new ResultBuilder();
        foreach (string[] batch in tasks.Chunk(MaxTasksPerUpdate))
        {
            var request = new UpdateTaskProtectionRequest(cluster, batch, protectionEnabled, protectionEnabled ? expiresInMinutes : null);
            result.Add(await _caller.CallAsync("UpdateTaskProtection", request, EcsApiJsonContext.Default.UpdateTaskProtectionRequest, EcsApiJsonContext.Default.TaskProtectionResponse, cancellationToken).ConfigureAwait(false));
        }

        return result.Build();
    }

    /// <summary>Reads the protection of <paramref name="tasks"/>, a hundred per call.</summary>
    /// <param name="cluster">The cluster's name or ARN.</param>
    /// <param name="tasks">Task ARNs or IDs; at least one.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>Every task's protection, and the tasks ECS could not report on.</returns>
    public async Task<EcsTaskProtectionResult> GetTaskProtectionAsync(string cluster, IReadOnlyList<string> tasks, CancellationToken cancellationToken = default)
    {
        CheckTasks(cluster, tasks);
        var result = new ResultBuilder();
        foreach (string[] batch in tasks.Chunk(MaxTasksPerGet))
        {
            var request = new GetTaskProtectionRequest(cluster, batch);
            result.Add(await _caller.CallAsync("GetTaskProtection", request, EcsApiJsonContext.Default.GetTaskProtectionRequest, EcsApiJsonContext.Default.TaskProtectionResponse, cancellationToken).ConfigureAwait(false));
        }

        return result.Build();
    }

    /// <summary>Lists the running tasks of a cluster, or of one service in it, following every page.</summary>
    /// <param name="cluster">The cluster's name or ARN.</param>
    /// <param name="serviceName">Only this service's tasks; all of the cluster's when null.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The task ARNs.</returns>
    public async Task<IReadOnlyList<string>> ListTasksAsync(string cluster, string? serviceName = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cluster);
        var arns = new List<string>();
        string? nextToken = null;
        do
        {
            var request = new ListTasksRequest(cluster, serviceName, ListTasksPageSize, nextToken);
            ListTasksResponse page = await _caller.CallAsync("ListTasks", request, EcsApiJsonContext.Default.ListTasksRequest, EcsApiJsonContext.Default.ListTasksResponse, cancellationToken).ConfigureAwait(false);
            arns.AddRange(page.TaskArns ?? []);
            nextToken = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
        }
        while (nextToken is not null);

        return arns;
    }

    /// <summary>
    /// Describes up to <see cref="MaxServicesPerDescribe"/> services of a cluster (<c>DescribeServices</c>): their
    /// deployments, for the deployment check. Internal: users who want more of a service use AWSSDK.ECS.
    /// </summary>
    internal Task<DescribeServicesResponse> DescribeServicesAsync(string cluster, IReadOnlyList<string> services, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cluster);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(services.Count, MaxServicesPerDescribe);
        return _caller.CallAsync("DescribeServices", new DescribeServicesRequest(cluster, services), EcsApiJsonContext.Default.DescribeServicesRequest, EcsApiJsonContext.Default.DescribeServicesResponse, cancellationToken);
    }

    /// <summary>Describes up to <see cref="MaxTasksPerGet"/> tasks of a cluster (<c>DescribeTasks</c>): the deployment that started each.</summary>
    internal Task<DescribeTasksResponse> DescribeTasksAsync(string cluster, IReadOnlyList<string> tasks, CancellationToken cancellationToken)
    {
        CheckTasks(cluster, tasks);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tasks.Count, MaxTasksPerGet);
        return _caller.CallAsync("DescribeTasks", new DescribeTasksRequest(cluster, tasks), EcsApiJsonContext.Default.DescribeTasksRequest, EcsApiJsonContext.Default.DescribeTasksResponse, cancellationToken);
    }

    /// <summary>An <see cref="ITaskProtectionClient"/> for one task, for a manager that protects its task through the API.</summary>
    /// <param name="cluster">The task's cluster (name or ARN).</param>
    /// <param name="taskArn">The task's ARN.</param>
    /// <returns>The client.</returns>
    public ITaskProtectionClient ForTask(string cluster, string taskArn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cluster);
        ArgumentException.ThrowIfNullOrWhiteSpace(taskArn);
        return new EcsApiTaskClient(this, cluster, taskArn);
    }

    private static void CheckTasks(string cluster, IReadOnlyList<string> tasks)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cluster);
        ArgumentNullException.ThrowIfNull(tasks);
        if (tasks.Count == 0 || tasks.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Give at least one task, and no empty task ARN.", nameof(tasks));
        }
    }

    private sealed class ResultBuilder
    {
        private readonly List<TaskProtectionState> _tasks = [];
        private readonly List<EcsApiFailure> _failures = [];

        public void Add(TaskProtectionResponse response)
        {
            foreach (ProtectedTaskShape task in response.ProtectedTasks ?? [])
            {
                DateTimeOffset? expires = task.ExpirationDate is { } seconds ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000)) : null;
                _tasks.Add(new TaskProtectionState { ProtectionEnabled = task.ProtectionEnabled, ExpirationDate = task.ProtectionEnabled ? expires : null, TaskArn = task.TaskArn });
            }

            _failures.AddRange((response.Failures ?? []).Select(static f => new EcsApiFailure { Arn = f.Arn, Reason = f.Reason, Detail = f.Detail }));
        }

        public EcsTaskProtectionResult Build() => new() { ProtectedTasks = _tasks, Failures = _failures };
    }
}
