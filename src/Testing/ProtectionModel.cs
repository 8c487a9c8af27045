using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TaskProtection.Testing;

/// <summary>
/// The ECS side of task protection, as the agent and ECS behave: expiry counted from when a call is received, each
/// enable call resetting (not extending) the expiry to now + N minutes, 1–2880 validation, unknown fields rejected
/// with 400; plus a fault script and a log of every call. Thread-safe. Both <see cref="InMemoryTaskProtectionClient"/>
/// and <see cref="FakeEcsAgent"/> serve this model.
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

    /// <summary>Chooses the behaviour of calls the script does not cover; normal answers when null.</summary>
    public Func<AgentCallContext, AgentFault?>? FaultPolicy { get; set; }

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
    /// Receives one call now: validates it as the agent does, applies it unless the fault prevents that, logs it,
    /// and returns the answer the agent would give.
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
        lock (_lock)
        {
            DateTimeOffset now = TimeProvider.GetUtcNow();
            AgentAnswer answer = fault.IsApplied ? Apply(method, path, body, now) : Refuse(fault.Kind);
            _calls.Add(new AgentCall(now, method, path, body, fault.Kind, answer.StatusCode));
            return answer;
        }
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

    private AgentAnswer Apply(string method, string path, string body, DateTimeOffset now)
    {
        if (!path.EndsWith(StatePathSuffix, StringComparison.Ordinal))
        {
            return Error(404, "ResourceNotFoundException", "Failed to find a task for the request", arn: string.Empty);
        }

        if (method == "GET")
        {
            return Protection(now);
        }

        if (method != "PUT")
        {
            return new AgentAnswer(405, "text/plain; charset=utf-8", "Method not allowed");
        }

        if (!TryDecode(body, out bool? enabled, out long? minutes))
        {
            return DecodeError();
        }

        if (enabled is null)
        {
            return Error(400, "InvalidParameterException", "Invalid request: does not contain 'ProtectionEnabled' field", TaskArn);
        }

        if (enabled.Value)
        {
            long n = minutes ?? DefaultExpiresInMinutes;
            if (n is < 1 or > 2880)
            {
                return Error(400, "InvalidParameterException", "expiresInMinutes must be between 1 and 2880.", TaskArn, NewRequestId());
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

    /// <summary>Decodes a PUT body as the agent does (DisallowUnknownFields): any other field, or a wrong type, fails.</summary>
    private static bool TryDecode(string body, out bool? enabled, out long? minutes)
    {
        enabled = null;
        minutes = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "ProtectionEnabled" when property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                        enabled = property.Value.GetBoolean();
                        break;
                    case "ExpiresInMinutes" when property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt64(out long value):
                        minutes = value;
                        break;
                    default:
                        return false;
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private AgentAnswer Protection(DateTimeOffset now)
    {
        bool enabled = _expiresAt is { } e && e > now;
        string expiration = enabled ? "\"" + _expiresAt!.Value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) + "\"" : "null";
        return Json(200, $"{{\"protection\":{{\"ExpirationDate\":{expiration},\"ProtectionEnabled\":{(enabled ? "true" : "false")},\"TaskArn\":\"{TaskArn}\"}}}}");
    }

    private AgentAnswer Refuse(AgentFaultKind kind) => kind switch
    {
        AgentFaultKind.TooManyRequests => new AgentAnswer(429, "text/plain; charset=utf-8", "You have reached maximum request limit."),
        AgentFaultKind.ServerError => Error(500, "ServerException", "Unexpected error occurred", TaskArn),
        AgentFaultKind.GatewayTimeout => Error(504, "RequestCanceled", "Timed out calling ECS Task Protection API", TaskArn),
        AgentFaultKind.Throttling => Error(400, "ThrottlingException", "Rate exceeded", TaskArn, NewRequestId()),
        AgentFaultKind.AccessDenied => Error(403, "AccessDeniedException", "Invalid Request: no task IAM role credentials available for task", TaskArn),
        AgentFaultKind.DeploymentBlocked => Failure("DEPLOYMENT_BLOCKED", "The service's deployment is blocked: more tasks are protected than desired."),
        AgentFaultKind.TaskNotValid => Failure("TASK_NOT_VALID", null),
        _ => new AgentAnswer(0, string.Empty, string.Empty),
    };

    private AgentAnswer Failure(string reason, string? detail) =>
        Json(200, $"{{\"failure\":{{\"Arn\":\"{TaskArn}\",\"Detail\":{(detail is null ? "null" : JsonSerializer.Serialize(detail))},\"Reason\":\"{reason}\"}}}}");

    private static AgentAnswer Error(int status, string code, string message, string arn, string? requestId = null)
    {
        string id = requestId is null ? string.Empty : $"\"requestID\":\"{requestId}\",";
        return Json(status, $"{{{id}\"error\":{{\"Arn\":\"{arn}\",\"Code\":\"{code}\",\"Message\":{JsonSerializer.Serialize(message)}}}}}");
    }

    private static AgentAnswer DecodeError() =>
        Error(400, "InvalidParameterException", "UpdateTaskProtection: failed to decode request", string.Empty);

    private static AgentAnswer Json(int status, string body) => new(status, "application/json", body);

    private string NewRequestId() =>
        string.Create(CultureInfo.InvariantCulture, $"00000000-0000-4000-8000-{++_requestCounter:D12}");

    internal static string BodyText(byte[]? body) => body is null ? string.Empty : Encoding.UTF8.GetString(body);
}
