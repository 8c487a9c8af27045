using System.Globalization;

namespace TaskProtection.Testing;

/// <summary>
/// Each service's deployments, as ECS keeps them for the rolling update (<c>ECS</c>) deployment controller: the most
/// recent is PRIMARY, older ones that still have tasks are ACTIVE. A task belongs to the deployment that started it
/// (its <c>startedBy</c>). Tests script what ECS does: a deployment of a new task definition, a forced new deployment
/// of the same one, a rollback, a scale-out.
/// </summary>
public sealed partial class EcsApiModel
{
    private readonly Dictionary<(string Cluster, string Service), List<FakeDeployment>> _services = [];
    private long _nextDeployment = 7_000_000_000_000_000_000;

    /// <summary>
    /// Starts a deployment of the service, as <c>UpdateService</c> does: a new PRIMARY deployment (the previous one
    /// becomes ACTIVE, its tasks being replaced) that launches <paramref name="newTasks"/> running tasks.
    /// </summary>
    /// <param name="cluster">The cluster's name.</param>
    /// <param name="service">The service's name (created with its first deployment if new).</param>
    /// <param name="taskDefinition">
    /// The new task definition's ARN; null for a forced new deployment of the same task definition
    /// (<c>--force-new-deployment</c>).
    /// </param>
    /// <param name="newTasks">How many tasks the new deployment has started and runs; 0 for one whose tasks are not running yet.</param>
    /// <returns>The new deployment's id (<c>ecs-svc/…</c>).</returns>
    public string StartDeployment(string cluster, string service, string? taskDefinition = null, int newTasks = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cluster);
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        ArgumentOutOfRangeException.ThrowIfNegative(newTasks);
        string id;
        lock (_lock)
        {
            List<FakeDeployment> deployments = Deployments(cluster, service);
            FakeDeployment current = deployments[0];
            current.Status = "ACTIVE";
            id = NewDeploymentId();
            deployments.Insert(0, new FakeDeployment(id, taskDefinition ?? current.TaskDefinition, TimeProvider.GetUtcNow()));
        }

        for (int i = 0; i < newTasks; i++)
        {
            AddTask(cluster, service);
        }

        return id;
    }

    /// <summary>
    /// Rolls the PRIMARY deployment back, as the deployment circuit breaker with rollback does: it becomes ACTIVE with
    /// its rollout FAILED, and the deployment it was replacing is PRIMARY again (its tasks are no longer being replaced).
    /// </summary>
    /// <param name="cluster">The cluster's name.</param>
    /// <param name="service">The service's name; it must have a deployment to go back to.</param>
    /// <returns>The id of the deployment PRIMARY again.</returns>
    public string RollBack(string cluster, string service)
    {
        lock (_lock)
        {
            List<FakeDeployment> deployments = Deployments(cluster, service);
            if (deployments.Count < 2)
            {
                throw new InvalidOperationException($"The service {service} has one deployment: nothing to roll back to.");
            }

            FakeDeployment failed = deployments[0];
            FakeDeployment previous = deployments[1];
            (failed.Status, failed.RolloutState, failed.UpdatedAt) = ("ACTIVE", "FAILED", TimeProvider.GetUtcNow());
            (previous.Status, previous.RolloutState, previous.UpdatedAt) = ("PRIMARY", "IN_PROGRESS", TimeProvider.GetUtcNow());
            deployments.RemoveAt(1);
            deployments.Insert(0, previous);
            return previous.Id;
        }
    }

    /// <summary>Scales the service out: <paramref name="count"/> more tasks of its PRIMARY deployment, no new deployment.</summary>
    /// <param name="cluster">The cluster's name.</param>
    /// <param name="service">The service's name.</param>
    /// <param name="count">How many tasks.</param>
    /// <returns>The new tasks' ARNs.</returns>
    public IReadOnlyList<string> ScaleOut(string cluster, string service, int count) => AddServiceTasks(cluster, service, count);

    /// <summary>The id of the service's PRIMARY deployment (creating the service, with its first deployment, if new).</summary>
    /// <param name="cluster">The cluster's name.</param>
    /// <param name="service">The service's name.</param>
    /// <returns>The deployment's id.</returns>
    public string PrimaryDeployment(string cluster, string service)
    {
        lock (_lock)
        {
            return PrimaryOf(cluster, service)!;
        }
    }

    /// <summary>The deployment that started a task (its <c>startedBy</c>); null for a standalone task.</summary>
    /// <param name="taskArn">The task's ARN.</param>
    /// <returns>The deployment's id.</returns>
    public string? DeploymentOf(string taskArn)
    {
        lock (_lock)
        {
            return _tasks.Find(t => t.Arn == taskArn)?.DeploymentId ?? (_tasks.Exists(t => t.Arn == taskArn) ? null : throw new KeyNotFoundException($"No task {taskArn}."));
        }
    }

    /// <summary>The PRIMARY deployment's id, the service created if new; null for no service. Under the lock.</summary>
    private string? PrimaryOf(string cluster, string? service) => service is null ? null : Deployments(cluster, service)[0].Id;

    /// <summary>The service's deployments, PRIMARY first; a new service gets its first deployment. Under the lock.</summary>
    private List<FakeDeployment> Deployments(string cluster, string service)
    {
        _clusters.Add(cluster);
        if (!_services.TryGetValue((cluster, service), out List<FakeDeployment>? deployments))
        {
            string definition = $"arn:aws:ecs:{Region}:{Account}:task-definition/{service}:1";
            _services[(cluster, service)] = deployments = [new FakeDeployment(NewDeploymentId(), definition, TimeProvider.GetUtcNow()) { RolloutState = "COMPLETED" }];
        }

        return deployments;
    }

    private string NewDeploymentId() => "ecs-svc/" + (_nextDeployment++).ToString(CultureInfo.InvariantCulture);

    private sealed class FakeDeployment(string id, string taskDefinition, DateTimeOffset createdAt)
    {
        public string Id { get; } = id;

        public string TaskDefinition { get; } = taskDefinition;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public DateTimeOffset UpdatedAt { get; set; } = createdAt;

        public string Status { get; set; } = "PRIMARY";

        public string RolloutState { get; set; } = "IN_PROGRESS";
    }
}
