using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TaskProtection.Testing;

/// <summary>
/// ECS's side of the API, as far as task protection goes: clusters, services and their tasks, each task's protection
/// a <see cref="ProtectionModel"/> (so tests judge protection by its record, as on the agent path), each service's
/// deployments (scripted: <see cref="StartDeployment"/>, <see cref="RollBack"/>, <see cref="ScaleOut"/>); the actions
/// <c>UpdateTaskProtection</c> (≤ 10 tasks), <c>GetTaskProtection</c> (≤ 100), <c>ListTasks</c> (pages of ≤ 100,
/// <c>nextToken</c>), <c>DescribeServices</c> (≤ 10) and <c>DescribeTasks</c> (≤ 100), their validation, errors and
/// failures (<c>MISSING</c>, <c>TASK_NOT_VALID</c> for a task outside a service); a fault script and a call log.
/// Thread-safe. <see cref="FakeEcsApi"/> serves it over HTTP.
/// </summary>
public sealed partial class EcsApiModel
{
    private readonly Lock _lock = new();
    private readonly List<FakeTask> _tasks = [];
    private readonly HashSet<string> _clusters = new(StringComparer.Ordinal);
    private readonly Queue<EcsApiFault> _script = new();
    private readonly List<EcsApiCall> _calls = [];
    private int _nextTaskNumber;

    /// <summary>Creates an empty model.</summary>
    /// <param name="timeProvider">ECS's clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="region">The region in ARNs and signatures.</param>
    /// <param name="account">The account in ARNs.</param>
    public EcsApiModel(TimeProvider? timeProvider = null, string region = "us-east-1", string account = "123456789012")
    {
        TimeProvider = timeProvider ?? TimeProvider.System;
        Region = region;
        Account = account;
    }

    /// <summary>ECS's clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The region.</summary>
    public string Region { get; }

    /// <summary>The account.</summary>
    public string Account { get; }

    /// <summary>Chooses the behaviour of calls the script does not cover; normal answers when null.</summary>
    public Func<string, EcsApiFault?>? FaultPolicy { get; set; }

    /// <summary>Every call received so far.</summary>
    public IReadOnlyList<EcsApiCall> Calls
    {
        get
        {
            lock (_lock)
            {
                return _calls.ToArray();
            }
        }
    }

    /// <summary>
    /// Adds <paramref name="count"/> running tasks of a service, started by its PRIMARY deployment (creating the cluster,
    /// and the service with its first deployment, as needed).
    /// </summary>
    /// <param name="cluster">The cluster's name.</param>
    /// <param name="service">The service's name.</param>
    /// <param name="count">How many tasks.</param>
    /// <returns>The new tasks' ARNs.</returns>
    public IReadOnlyList<string> AddServiceTasks(string cluster, string service, int count)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        return [.. Enumerable.Range(0, count).Select(_ => AddTask(cluster, service))];
    }

    /// <summary>Adds one running task (creating the cluster as needed).</summary>
    /// <param name="cluster">The cluster's name.</param>
    /// <param name="service">Its service; null for a standalone task, which ECS cannot protect (<c>TASK_NOT_VALID</c>).</param>
    /// <returns>The task's ARN.</returns>
    public string AddTask(string cluster, string? service = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cluster);
        lock (_lock)
        {
            string id = (++_nextTaskNumber).ToString("x32", CultureInfo.InvariantCulture);
            string arn = $"arn:aws:ecs:{Region}:{Account}:task/{cluster}/{id}";
            _clusters.Add(cluster);
            _tasks.Add(new FakeTask(cluster, arn, id, service, new ProtectionModel(TimeProvider, arn)) { DeploymentId = PrimaryOf(cluster, service) });
            return arn;
        }
    }

    /// <summary>Adds a running task of a service whose protection is <paramref name="protection"/> (its ARN is the model's task ARN).</summary>
    /// <param name="cluster">The cluster's name.</param>
    /// <param name="service">The service's name.</param>
    /// <param name="protection">The task's protection, for example a simulation's own model.</param>
    public void AddTaskWith(string cluster, string service, ProtectionModel protection)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cluster);
        ArgumentNullException.ThrowIfNull(protection);
        lock (_lock)
        {
            _clusters.Add(cluster);
            string id = protection.TaskArn[(protection.TaskArn.LastIndexOf('/') + 1)..];
            _tasks.Add(new FakeTask(cluster, protection.TaskArn, id, service, protection) { DeploymentId = PrimaryOf(cluster, service) });
        }
    }

    /// <summary>
    /// A client of this model that needs no sockets and no credentials, on the model's clock: the real client's JSON,
    /// error mapping and timeouts, for simulations with a fake clock. Contract tests use <see cref="FakeEcsApi"/>.
    /// </summary>
    /// <param name="requestTimeout">Bound on each call.</param>
    /// <returns>The client.</returns>
    public EcsApiTaskProtectionClient CreateInMemoryClient(TimeSpan requestTimeout) =>
        new(new InMemoryEcsApiTransport(this), requestTimeout, TimeProvider);

    /// <summary>Adds an empty cluster.</summary>
    /// <param name="cluster">The cluster's name.</param>
    public void AddCluster(string cluster)
    {
        lock (_lock)
        {
            _clusters.Add(cluster);
        }
    }

    /// <summary>The protection of one task: its state, history and the calls that changed it.</summary>
    /// <param name="taskArn">The task's ARN.</param>
    /// <returns>Its protection model.</returns>
    public ProtectionModel Protection(string taskArn)
    {
        lock (_lock)
        {
            return _tasks.Find(t => t.Arn == taskArn)?.Protection ?? throw new KeyNotFoundException($"No task {taskArn}.");
        }
    }

    /// <summary>The cluster's ARN.</summary>
    /// <param name="cluster">The cluster's name.</param>
    /// <returns>Its ARN.</returns>
    public string ClusterArn(string cluster) => $"arn:aws:ecs:{Region}:{Account}:cluster/{cluster}";

    /// <summary>Queues behaviours for the next calls, in order.</summary>
    /// <param name="faults">One entry per call.</param>
    public void Enqueue(params EcsApiFault[] faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        lock (_lock)
        {
            foreach (EcsApiFault fault in faults)
            {
                _script.Enqueue(fault);
            }
        }
    }

    /// <summary>Takes the behaviour for the next call of <paramref name="action"/> (the transport calls this when a call arrives).</summary>
    /// <param name="action">The action.</param>
    /// <returns>The behaviour.</returns>
    public EcsApiFault NextFault(string action)
    {
        lock (_lock)
        {
            if (_script.TryDequeue(out EcsApiFault? fault))
            {
                return fault;
            }
        }

        return FaultPolicy?.Invoke(action) ?? new EcsApiFault();
    }

    /// <summary>Receives one call now: refuses it as the fault says, or validates and applies it; logs it; returns the answer.</summary>
    /// <param name="action">The action from <c>X-Amz-Target</c>.</param>
    /// <param name="body">The JSON body.</param>
    /// <param name="fault">The behaviour chosen by <see cref="NextFault"/>.</param>
    /// <returns>HTTP status and JSON body.</returns>
    public (int StatusCode, string Body) Receive(string action, string body, EcsApiFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        lock (_lock)
        {
            (int status, string answer, string? error) = fault switch
            {
                { ErrorType: { } type } => Error(new EcsApiError(fault.StatusCode, type, type == "ThrottlingException" ? "Rate exceeded" : "Scripted failure.")),
                { FailureReason: { } reason } => (200, FailedForEveryTask(body, reason), null),
                _ => Apply(action, body),
            };
            _calls.Add(new EcsApiCall(TimeProvider.GetUtcNow(), action, body, status, error));
            return (status, answer);
        }
    }

    /// <summary>Logs a call refused before it reached the actions (a bad signature, say) and returns its answer.</summary>
    internal (int StatusCode, string Body) Refuse(string action, string body, EcsApiError error)
    {
        lock (_lock)
        {
            (int status, string answer, string? type) = Error(error);
            _calls.Add(new EcsApiCall(TimeProvider.GetUtcNow(), action, body, status, type));
            return (status, answer);
        }
    }

    internal static (int Status, string Body, string? Type) Error(EcsApiError error) =>
        (error.StatusCode, new JsonObject { ["__type"] = error.Type, ["message"] = error.Message }.ToJsonString(), error.Type);

    private (int Status, string Body, string? Type) Apply(string action, string body)
    {
        JsonObject request;
        try
        {
            request = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            return Error(new EcsApiError(400, "SerializationException", "The request body is not a JSON object."));
        }

        EcsApiError? invalid = null;
        JsonObject? answer = action switch
        {
            "UpdateTaskProtection" => Update(request, ref invalid),
            "GetTaskProtection" => Get(request, ref invalid),
            "ListTasks" => List(request, ref invalid),
            "DescribeServices" => DescribeServices(request, ref invalid),
            "DescribeTasks" => DescribeTasks(request, ref invalid),
            _ => Unknown(action, ref invalid),
        };
        return answer is null ? Error(invalid!) : (200, answer.ToJsonString(), null);
    }

    /// <summary>A scripted refusal: every task of the request comes back in <c>failures</c> with the reason, and none is changed.</summary>
    private static string FailedForEveryTask(string body, string reason)
    {
        JsonArray tasks = (JsonNode.Parse(body) as JsonObject)?["tasks"] as JsonArray ?? [];
        var failures = new JsonArray([.. tasks.Select(t => (JsonNode)new JsonObject { ["arn"] = t?.GetValue<string>(), ["reason"] = reason })]);
        return new JsonObject { ["protectedTasks"] = new JsonArray(), ["failures"] = failures }.ToJsonString();
    }

    private static JsonObject? Unknown(string action, ref EcsApiError? invalid)
    {
        invalid = new EcsApiError(400, "UnknownOperationException", $"Unknown operation {action}.");
        return null;
    }

    private sealed record FakeTask(string Cluster, string Arn, string Id, string? Service, ProtectionModel Protection)
    {
        /// <summary>The deployment that started it (<c>startedBy</c>); null for a standalone task.</summary>
        public string? DeploymentId { get; init; }
    }
}
