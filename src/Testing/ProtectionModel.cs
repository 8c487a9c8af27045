using System.Globalization;
using System.Text;

namespace TaskProtection.Testing;

/// <summary>
/// The agent's task-protection handler and ECS behind it, as agent 1.105.1 and ECS behave: the body decoded as Go
/// decodes it (unknown fields refused with 400; any case, <c>null</c> and trailing bytes accepted), the checks in the
/// agent's order, <c>ExpiresInMinutes</c> truncated to 32 bits and then held to 1–2880 by ECS, expiry counted from when a
/// call is received with each enable resetting (not extending) it to now + N minutes, and answers in the agent's bytes;
/// plus a fault script and a log of every call. Thread-safe. Both <see cref="InMemoryTaskProtectionClient"/> and
/// <see cref="FakeEcsAgent"/> serve this model.
/// </summary>
public sealed class ProtectionModel
{
    /// <summary>The path the agent serves, under its address.</summary>
    public const string StatePathSuffix = "/task-protection/v1/state";

    /// <summary>The default expiry when a request leaves <c>ExpiresInMinutes</c> out, as ECS does.</summary>
    public const int DefaultExpiresInMinutes = 120;

    private readonly Lock _lock = new();
    private readonly Queue<AgentFault> _script = new();
    private readonly List<AgentCall> _calls = [];
    private readonly List<(DateTimeOffset At, DateTimeOffset? ExpiresAt)> _history = [];
    private DateTimeOffset? _expiresAt;
    private int _requestCounter;

    /// <summary>Creates a model.</summary>
    /// <param name="timeProvider">The agent's clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="taskArn">The task ARN reported in answers.</param>
    public ProtectionModel(TimeProvider? timeProvider = null, string taskArn = "arn:aws:ecs:us-east-1:123456789012:task/fake-cluster/0123456789abcdef0123456789abcdef")
    {
        TimeProvider = timeProvider ?? TimeProvider.System;
        TaskArn = taskArn;
    }

    /// <summary>The agent's clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The task ARN in answers.</summary>
    public string TaskArn { get; }

    /// <summary>
    /// The service that started the task, as <see cref="FakeEcsAgent"/>'s task metadata document names it
    /// (<c>ServiceName</c>); null for a standalone task, whose document has none. Give it the name of a service of an
    /// <see cref="EcsApiModel"/> (with <see cref="EcsApiModel.AddTaskWith"/>) to test the deployment check.
    /// </summary>
    public string? ServiceName { get; set; } = "fake-service";

    /// <summary>Chooses the behaviour of calls the script does not cover; normal answers when null.</summary>
    public Func<AgentCallContext, AgentFault?>? FaultPolicy { get; set; }

    /// <summary>
    /// Told of every call received, with the answer the agent gives (or would give, when the fault sends none), after it
    /// is recorded; for <c>taskprotect fake-agent</c>, which prints one line per call.
    /// </summary>
    internal Action<AgentCall, AgentAnswer>? Answered { get; set; }

    /// <summary>Whether the task is protected now.</summary>
    public bool IsProtected
    {
        get
        {
            lock (_lock)
            {
                return _expiresAt is { } expiry && expiry > TimeProvider.GetUtcNow();
            }
        }
    }

    /// <summary>When the current protection expires, if protected.</summary>
    public DateTimeOffset? ExpiresAt
    {
        get
        {
            lock (_lock)
            {
                return _expiresAt is { } expiry && expiry > TimeProvider.GetUtcNow() ? expiry : null;
            }
        }
    }

    /// <summary>Every call received so far.</summary>
    public IReadOnlyList<AgentCall> Calls
    {
        get
        {
            lock (_lock)
            {
                return _calls.ToArray();
            }
        }
    }

    /// <summary>Queues behaviours for the next calls, in order.</summary>
    /// <param name="faults">One entry per call.</param>
    public void Enqueue(params AgentFault[] faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        lock (_lock)
        {
            foreach (AgentFault fault in faults)
            {
                _script.Enqueue(fault);
            }
        }
    }

    /// <summary>Queues <paramref name="count"/> calls of the given kind.</summary>
    /// <param name="kind">The fault.</param>
    /// <param name="count">How many calls.</param>
    public void Enqueue(AgentFaultKind kind, int count = 1)
    {
        for (int i = 0; i < count; i++)
        {
            Enqueue(new AgentFault(kind));
        }
    }

    /// <summary>Takes the behaviour for the next call (the transport calls this when a call is sent).</summary>
    /// <param name="context">What is being called.</param>
    /// <returns>The behaviour.</returns>
    public AgentFault NextFault(AgentCallContext context)
    {
        lock (_lock)
        {
            if (_script.TryDequeue(out AgentFault? fault))
            {
                return fault;
            }
        }

        return FaultPolicy?.Invoke(context) ?? new AgentFault(AgentFaultKind.None);
    }

    /// <summary>
    /// Receives one call now: checks it as the agent does, in its order (the body, the task, <c>ProtectionEnabled</c>,
    /// the credentials, then ECS), applies it unless the fault prevents that, logs it, and returns the agent's answer.
    /// </summary>
    /// <param name="method">GET or PUT.</param>
    /// <param name="path">The request path.</param>
    /// <param name="body">The request body.</param>
    /// <param name="fault">The behaviour chosen by <see cref="NextFault"/>.</param>
    /// <returns>The answer.</returns>
    public AgentAnswer Receive(string method, string path, string body, AgentFault fault)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(fault);
        AgentAnswer answer;
        AgentCall call;
        lock (_lock)
        {
            DateTimeOffset now = TimeProvider.GetUtcNow();
            answer = Handle(method, path, body ?? string.Empty, fault, now);
            call = new AgentCall(now, method, path, body ?? string.Empty, fault.Kind, answer.StatusCode);
            _calls.Add(call);
        }

        Answered?.Invoke(call, answer);
        return answer;
    }

    /// <summary>The stretches of time, from <paramref name="since"/> to now, in which the task was not protected.</summary>
    /// <param name="since">Start of the period of interest.</param>
    /// <returns>The stretches, in order; the last is open-ended if the task is unprotected now.</returns>
    public IReadOnlyList<UnprotectedInterval> UnprotectedIntervals(DateTimeOffset since)
    {
        lock (_lock)
        {
            var result = new List<UnprotectedInterval>();
            DateTimeOffset gapStart = since;
            DateTimeOffset? protectedUntil = null;
            foreach ((DateTimeOffset at, DateTimeOffset? newExpiry) in _history)
            {
                if (protectedUntil is { } expiry && expiry <= at)
                {
                    gapStart = expiry;
                    protectedUntil = null;
                }

                if (newExpiry is not null)
                {
                    if (protectedUntil is null && gapStart < at)
                    {
                        result.Add(new UnprotectedInterval(gapStart, at));
                    }

                    protectedUntil = newExpiry;
                }
                else if (protectedUntil is not null)
                {
                    gapStart = at;
                    protectedUntil = null;
                }
            }

            result.Add(new UnprotectedInterval(protectedUntil ?? gapStart, DateTimeOffset.MaxValue));
            return result;
        }
    }

    /// <summary>The agent's steps, in its order; the fault strikes at the step where the agent meets it.</summary>
    private AgentAnswer Handle(string method, string path, string body, AgentFault fault, DateTimeOffset now)
    {
        if (fault.Kind == AgentFaultKind.TooManyRequests)
        {
            return AgentAnswers.TooManyRequests();
        }

        if (fault is { Kind: AgentFaultKind.Scripted, Script.Raw: true })
        {
            return fault.Script.Compose(TaskArn);
        }

        if (method is not ("GET" or "PUT"))
        {
            return AgentAnswers.MethodNotAllowed();
        }

        bool? enabled = null;
        long? minutes = null;
        if (method == "PUT" && !AgentRequestDecoder.TryDecode(body, out enabled, out minutes))
        {
            return AgentAnswers.DecodeError();
        }

        if (!path.EndsWith(StatePathSuffix, StringComparison.Ordinal) || fault.Kind == AgentFaultKind.TaskNotFound)
        {
            return AgentAnswers.TaskNotFound();
        }

        if (fault.Kind == AgentFaultKind.TaskMetadataUnavailable)
        {
            return AgentAnswers.TaskMetadataUnavailable();
        }

        if (method == "PUT" && enabled is null)
        {
            return AgentAnswers.MissingProtectionEnabled(TaskArn);
        }

        if (!fault.IsApplied)
        {
            return Refuse(fault, method);
        }

        AgentAnswer answer = method == "GET" ? Protection(now) : Apply(enabled!.Value, minutes, now);
        return fault.Kind == AgentFaultKind.GatewayTimeoutApplied && answer.StatusCode == 200 ? GatewayTimeout() : answer;
    }

    private AgentAnswer Apply(bool enabled, long? minutes, DateTimeOffset now)
    {
        if (enabled)
        {
            // The agent passes ExpiresInMinutes on as a 32-bit integer, without a range check; ECS checks the range.
            int n = minutes is long requested ? unchecked((int)requested) : DefaultExpiresInMinutes;
            if (n is < 1 or > 2880)
            {
                return AgentAnswers.Error(400, "InvalidParameterException", "expiresInMinutes must be between 1 and 2880.", TaskArn, NewRequestId());
            }

            _expiresAt = now.AddMinutes(n);
        }
        else
        {
            _expiresAt = null;
        }

        _history.Add((now, _expiresAt));
        return Protection(now);
    }

    private AgentAnswer Protection(DateTimeOffset now)
    {
        bool enabled = _expiresAt is { } e && e > now;
        return AgentAnswers.Protection(enabled ? _expiresAt : null, enabled, TaskArn);
    }

    private AgentAnswer Refuse(AgentFault fault, string method) => fault.Kind switch
    {
        AgentFaultKind.AccessDenied => AgentAnswers.Error(403, "AccessDeniedException", "Invalid Request: no task IAM role credentials available for task", TaskArn),
        AgentFaultKind.ServerError => AgentAnswers.Error(500, "ServerException", "Unexpected error occurred", TaskArn),
        AgentFaultKind.GatewayTimeout => GatewayTimeout(),
        AgentFaultKind.Throttling => AgentAnswers.Error(400, "ThrottlingException", "Rate exceeded", TaskArn, NewRequestId()),
        AgentFaultKind.EcsAccessDenied => AgentAnswers.Error(400, "AccessDeniedException", NotAuthorized(method), TaskArn, NewRequestId()),
        AgentFaultKind.DeploymentBlocked => AgentAnswers.Failure(TaskArn, "DEPLOYMENT_BLOCKED", detail: null),
        AgentFaultKind.TaskNotValid => AgentAnswers.Failure(TaskArn, "TASK_NOT_VALID", detail: null),
        AgentFaultKind.Scripted => fault.Script?.Compose(TaskArn) ?? AgentAnswers.Error(500, "ServerException", "Unexpected error occurred", TaskArn),
        _ => new AgentAnswer(0, string.Empty, string.Empty),
    };

    private AgentAnswer GatewayTimeout() =>
        AgentAnswers.Error(504, "RequestCanceled", "Timed out calling ECS Task Protection API", TaskArn);

    /// <summary>IAM's refusal, as ECS returns it for a task role without the action.</summary>
    private string NotAuthorized(string method)
    {
        string action = method == "GET" ? "ecs:GetTaskProtection" : "ecs:UpdateTaskProtection";
        string[] arn = TaskArn.Split(':');
        string account = arn.Length == 6 ? arn[4] : "123456789012";
        string taskId = TaskArn[(TaskArn.LastIndexOf('/') + 1)..];
        return $"User: arn:aws:sts::{account}:assumed-role/fake-task-role/{taskId} is not authorized to perform: {action} on resource: {TaskArn} because no identity-based policy allows the {action} action";
    }

    private string NewRequestId() =>
        string.Create(CultureInfo.InvariantCulture, $"00000000-0000-4000-8000-{++_requestCounter:D12}");

    internal static string BodyText(byte[]? body) => body is null ? string.Empty : Encoding.UTF8.GetString(body);
}
