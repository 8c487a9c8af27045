using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace TaskProtection.Testing;

/// <summary>The three actions, validated as ECS validates them.</summary>
public sealed partial class EcsApiModel
{
    private JsonObject? Update(JsonObject request, ref EcsApiError? invalid)
    {
        if (!TryCluster(request, ref invalid, out string cluster) || !TryTasks(request, 10, ref invalid, out List<string> tasks))
        {
            return null;
        }

        if (request["protectionEnabled"] is not JsonValue enabledValue || !enabledValue.TryGetValue(out bool enabled))
        {
            invalid = new EcsApiError(400, "InvalidParameterException", "protectionEnabled is required and must be a boolean.");
            return null;
        }

        int minutes = ProtectionModel.DefaultExpiresInMinutes;
        if (request["expiresInMinutes"] is JsonValue minutesValue && (!minutesValue.TryGetValue(out minutes) || minutes is < 1 or > 2880))
        {
            invalid = new EcsApiError(400, "InvalidParameterException", "expiresInMinutes must be between 1 and 2880.");
            return null;
        }

        string agentBody = enabled ? $"{{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":{minutes.ToString(CultureInfo.InvariantCulture)}}}" : "{\"ProtectionEnabled\":false}";
        return Answer(cluster, tasks, task => task.Protection.Receive("PUT", ProtectionModel.StatePathSuffix, agentBody, new AgentFault(AgentFaultKind.None)));
    }

    private JsonObject? Get(JsonObject request, ref EcsApiError? invalid) =>
        TryCluster(request, ref invalid, out string cluster) && TryTasks(request, 100, ref invalid, out List<string> tasks)
            ? Answer(cluster, tasks, static _ => { })
            : null;

    private JsonObject? List(JsonObject request, ref EcsApiError? invalid)
    {
        if (!TryCluster(request, ref invalid, out string cluster))
        {
            return null;
        }

        int max = 100;
        if (request["maxResults"] is JsonValue maxValue && (!maxValue.TryGetValue(out max) || max is < 1 or > 100))
        {
            invalid = new EcsApiError(400, "InvalidParameterException", "maxResults must be between 1 and 100.");
            return null;
        }

        string? service = request["serviceName"]?.GetValue<string>();
        if (service is not null && !_tasks.Exists(t => t.Cluster == cluster && t.Service == service))
        {
            invalid = new EcsApiError(400, "ServiceNotFoundException", $"Service not found: {service}.");
            return null;
        }

        int start = 0;
        if (request["nextToken"]?.GetValue<string>() is { } token && !TryDecode(token, out start))
        {
            invalid = new EcsApiError(400, "InvalidParameterException", "Invalid nextToken.");
            return null;
        }

        List<FakeTask> matching = _tasks.FindAll(t => t.Cluster == cluster && (service is null || t.Service == service));
        var page = new JsonArray([.. matching.Skip(start).Take(max).Select(static t => (JsonNode)t.Arn)]);
        var answer = new JsonObject { ["taskArns"] = page };
        if (start + max < matching.Count)
        {
            answer["nextToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"offset:{start + max}"));
        }

        return answer;
    }

    private JsonObject Answer(string cluster, List<string> tasks, Action<FakeTask> apply)
    {
        var protectedTasks = new JsonArray();
        var failures = new JsonArray();
        foreach (string name in tasks)
        {
            FakeTask? task = _tasks.Find(t => t.Cluster == cluster && (t.Arn == name || t.Id == name));
            if (task is null)
            {
                failures.Add(new JsonObject { ["arn"] = name, ["reason"] = "MISSING" });
                continue;
            }

            if (task.Service is null)
            {
                failures.Add(new JsonObject { ["arn"] = task.Arn, ["reason"] = "TASK_NOT_VALID", ["detail"] = "The task is not part of a service." });
                continue;
            }

            apply(task);
            var entry = new JsonObject { ["taskArn"] = task.Arn, ["protectionEnabled"] = task.Protection.ExpiresAt is not null };
            if (task.Protection.ExpiresAt is { } expires)
            {
                entry["expirationDate"] = expires.ToUnixTimeMilliseconds() / 1000.0;
            }

            protectedTasks.Add(entry);
        }

        return new JsonObject { ["protectedTasks"] = protectedTasks, ["failures"] = failures };
    }

    private bool TryCluster(JsonObject request, ref EcsApiError? invalid, out string cluster)
    {
        string given = request["cluster"] is JsonValue value && value.TryGetValue(out string? text) ? text : "default";
        cluster = given.StartsWith("arn:", StringComparison.Ordinal) ? given[(given.LastIndexOf('/') + 1)..] : given;
        if (_clusters.Contains(cluster) && (!given.StartsWith("arn:", StringComparison.Ordinal) || given == ClusterArn(cluster)))
        {
            return true;
        }

        invalid = new EcsApiError(400, "ClusterNotFoundException", "Cluster not found.");
        return false;
    }

    private static bool TryTasks(JsonObject request, int limit, ref EcsApiError? invalid, out List<string> tasks)
    {
        tasks = request["tasks"] is JsonArray array ? [.. array.Select(static t => t?.GetValue<string>() ?? string.Empty)] : [];
        if (tasks.Count == 0 || tasks.Count > limit || tasks.Exists(string.IsNullOrEmpty))
        {
            invalid = new EcsApiError(400, "InvalidParameterException", $"tasks must list 1 to {limit} task ARNs or IDs, but lists {tasks.Count}.");
            return false;
        }

        return true;
    }

    private static bool TryDecode(string token, out int offset)
    {
        offset = 0;
        try
        {
            string text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return text.StartsWith("offset:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
