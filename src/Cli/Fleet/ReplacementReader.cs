namespace TaskProtection.Cli.Fleet;

/// <summary>
/// Whether each protected task's service is replacing it: <c>DescribeTasks</c> (a hundred tasks per call) gives each
/// task's service and deployment, <c>DescribeServices</c> (ten per call) each service's deployments, and the same rules as
/// the workers' deployment check decide. Without <c>ecs:DescribeTasks</c> or <c>ecs:DescribeServices</c> (or on any other
/// failure) nothing is known, and <see cref="Replacements.Unknown"/> says why: <c>list</c> still shows protection.
/// </summary>
internal static class ReplacementReader
{
    private const string ServiceGroupPrefix = "service:";

    public static async Task<Replacements> ReadAsync(EcsApiTaskProtectionClient client, string cluster, IReadOnlyList<string> tasks, CancellationToken cancellationToken)
    {
        if (tasks.Count == 0)
        {
            return new Replacements(new Dictionary<string, DeploymentVerdict>(StringComparer.Ordinal), null);
        }

        try
        {
            List<TaskShape> described = [];
            foreach (string[] batch in tasks.Chunk(EcsApiTaskProtectionClient.MaxTasksPerGet))
            {
                described.AddRange((await client.DescribeTasksAsync(cluster, batch, cancellationToken).ConfigureAwait(false)).Tasks ?? []);
            }

            Dictionary<string, IReadOnlyList<DeploymentInfo>> services = await DescribeServicesAsync(client, cluster, described, cancellationToken).ConfigureAwait(false);
            var verdicts = new Dictionary<string, DeploymentVerdict>(StringComparer.Ordinal);
            foreach (TaskShape task in described)
            {
                if (task.TaskArn is { } arn && ServiceOf(task) is { } service && services.TryGetValue(service, out IReadOnlyList<DeploymentInfo>? deployments))
                {
                    verdicts[arn] = ReplacementRules.Decide(service, TaskDeployment.From(task), deployments);
                }
            }

            return new Replacements(verdicts, null);
        }
        catch (TaskProtectionCallException failure)
        {
            return new Replacements(new Dictionary<string, DeploymentVerdict>(StringComparer.Ordinal), failure.Message);
        }
    }

    private static async Task<Dictionary<string, IReadOnlyList<DeploymentInfo>>> DescribeServicesAsync(EcsApiTaskProtectionClient client, string cluster, List<TaskShape> tasks, CancellationToken cancellationToken)
    {
        string[] names = [.. tasks.Select(ServiceOf).OfType<string>().Distinct(StringComparer.Ordinal)];
        var services = new Dictionary<string, IReadOnlyList<DeploymentInfo>>(StringComparer.Ordinal);
        foreach (string[] batch in names.Chunk(EcsApiTaskProtectionClient.MaxServicesPerDescribe))
        {
            foreach (ServiceShape service in (await client.DescribeServicesAsync(cluster, batch, cancellationToken).ConfigureAwait(false)).Services ?? [])
            {
                if (service.ServiceName is { } name)
                {
                    services[name] = [.. (service.Deployments ?? []).Select(DeploymentInfo.From)];
                }
            }
        }

        return services;
    }

    /// <summary>The service that started a task, from its group (<c>service:NAME</c>); null for a standalone task.</summary>
    private static string? ServiceOf(TaskShape task) =>
        task.Group is { } group && group.StartsWith(ServiceGroupPrefix, StringComparison.Ordinal) ? group[ServiceGroupPrefix.Length..] : null;
}

/// <summary>Each task's verdict by ARN (tasks outside a service have none); <paramref name="Unknown"/>: why nothing could be read.</summary>
internal sealed record Replacements(IReadOnlyDictionary<string, DeploymentVerdict> Verdicts, string? Unknown);
