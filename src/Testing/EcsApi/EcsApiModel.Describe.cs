using System.Text.Json.Nodes;

namespace TaskProtection.Testing;

/// <summary><c>DescribeServices</c> and <c>DescribeTasks</c>: what the deployment check reads, in ECS's shapes.</summary>
public sealed partial class EcsApiModel
{
    private JsonObject? DescribeServices(JsonObject request, ref EcsApiError? invalid)
    {
        if (!TryCluster(request, ref invalid, out string cluster) || !TryNames(request, "services", 10, ref invalid, out List<string> names))
        {
            return null;
        }

        var services = new JsonArray();
        var failures = new JsonArray();
        foreach (string name in names)
        {
            string service = name[(name.LastIndexOf('/') + 1)..];
            if (_services.TryGetValue((cluster, service), out List<FakeDeployment>? deployments))
            {
                services.Add(Service(cluster, service, deployments));
            }
            else
            {
                failures.Add(new JsonObject { ["arn"] = ServiceArn(cluster, service), ["reason"] = "MISSING" });
            }
        }

        return new JsonObject { ["services"] = services, ["failures"] = failures };
    }

    private JsonObject? DescribeTasks(JsonObject request, ref EcsApiError? invalid)
    {
        if (!TryCluster(request, ref invalid, out string cluster) || !TryNames(request, "tasks", 100, ref invalid, out List<string> names))
        {
            return null;
        }

        var tasks = new JsonArray();
        var failures = new JsonArray();
        foreach (string name in names)
        {
            FakeTask? task = _tasks.Find(t => t.Cluster == cluster && (t.Arn == name || t.Id == name));
            if (task is null)
            {
                failures.Add(new JsonObject { ["arn"] = name, ["reason"] = "MISSING" });
                continue;
            }

            string? definition = task.Service is { } service ? _services[(cluster, service)].Find(d => d.Id == task.DeploymentId)?.TaskDefinition : null;
            tasks.Add(new JsonObject
            {
                ["taskArn"] = task.Arn,
                ["clusterArn"] = ClusterArn(cluster),
                ["taskDefinitionArn"] = definition ?? $"arn:aws:ecs:{Region}:{Account}:task-definition/standalone:1",
                ["startedBy"] = task.DeploymentId,
                ["group"] = task.Service is { } group ? "service:" + group : "family:standalone",
                ["lastStatus"] = "RUNNING",
                ["desiredStatus"] = "RUNNING",
                ["launchType"] = "FARGATE",
            });
        }

        return new JsonObject { ["tasks"] = tasks, ["failures"] = failures };
    }

    private JsonObject Service(string cluster, string service, List<FakeDeployment> deployments)
    {
        var listed = new JsonArray();
        foreach (FakeDeployment deployment in deployments)
        {
            int running = _tasks.Count(t => t.Cluster == cluster && t.DeploymentId == deployment.Id);
            listed.Add(new JsonObject
            {
                ["id"] = deployment.Id,
                ["status"] = deployment.Status,
                ["taskDefinition"] = deployment.TaskDefinition,
                ["desiredCount"] = running,
                ["pendingCount"] = 0,
                ["runningCount"] = running,
                ["failedTasks"] = 0,
                ["createdAt"] = deployment.CreatedAt.ToUnixTimeMilliseconds() / 1000.0,
                ["updatedAt"] = deployment.UpdatedAt.ToUnixTimeMilliseconds() / 1000.0,
                ["launchType"] = "FARGATE",
                ["rolloutState"] = deployment.RolloutState,
            });
        }

        int total = _tasks.Count(t => t.Cluster == cluster && t.Service == service);
        return new JsonObject
        {
            ["serviceArn"] = ServiceArn(cluster, service),
            ["serviceName"] = service,
            ["clusterArn"] = ClusterArn(cluster),
            ["status"] = "ACTIVE",
            ["desiredCount"] = total,
            ["runningCount"] = total,
            ["pendingCount"] = 0,
            ["launchType"] = "FARGATE",
            ["taskDefinition"] = deployments[0].TaskDefinition,
            ["deployments"] = listed,
            ["deploymentController"] = new JsonObject { ["type"] = "ECS" },
        };
    }

    private string ServiceArn(string cluster, string service) => $"arn:aws:ecs:{Region}:{Account}:service/{cluster}/{service}";

    private static bool TryNames(JsonObject request, string field, int limit, ref EcsApiError? invalid, out List<string> names)
    {
        names = request[field] is JsonArray array ? [.. array.Select(static t => t is JsonValue v && v.TryGetValue(out string? s) ? s : string.Empty)] : [];
        if (names.Count == 0 || names.Count > limit || names.Exists(string.IsNullOrEmpty))
        {
            invalid = new EcsApiError(400, "InvalidParameterException", $"{field} must list 1 to {limit} names or ARNs, but lists {names.Count}.");
            return false;
        }

        return true;
    }
}
