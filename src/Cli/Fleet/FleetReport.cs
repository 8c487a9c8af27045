using System.Text.Json.Serialization;

namespace TaskProtection.Cli.Fleet;

/// <summary>
/// What <c>list</c> shows: every task of the cluster (or service) with its protection, protected tasks first, the one
/// protected longest first (it holds a deployment longest), and whether a deployment is replacing each protected one;
/// the tasks ECS could not report on, and why replacements could not be read, if so.
/// </summary>
internal sealed record FleetReport(
    [property: JsonPropertyName("cluster")] string Cluster,
    [property: JsonPropertyName("service")] string? Service,
    [property: JsonPropertyName("readAt")] DateTimeOffset ReadAt,
    [property: JsonPropertyName("tasks")] IReadOnlyList<TaskRow> Tasks,
    [property: JsonPropertyName("failures")] IReadOnlyList<EcsApiFailure> Failures)
{
    /// <summary>Why <see cref="TaskRow.BeingReplaced"/> is unknown for every task (no permission to describe, say); null when read.</summary>
    [JsonPropertyName("replacementsUnknown")]
    public string? ReplacementsUnknown { get; init; }

    /// <summary>How many protected tasks a deployment is replacing: ECS stops each as soon as it is unprotected.</summary>
    [JsonPropertyName("beingReplacedCount")]
    public int BeingReplacedCount => Tasks.Count(static t => t.BeingReplaced == true);

    /// <summary>How many tasks are protected now: ECS will not pick them for scale-in, and deployments wait for them.</summary>
    [JsonPropertyName("protectedCount")]
    public int ProtectedCount => Tasks.Count(static t => t.ProtectionEnabled);

    /// <summary>When the last protection ends, if any task is protected.</summary>
    [JsonPropertyName("lastExpiration")]
    public DateTimeOffset? LastExpiration => Tasks.Where(static t => t.ProtectionEnabled).Max(static t => t.ExpirationDate);

    public static FleetReport From(string cluster, string? service, EcsTaskProtectionResult result, DateTimeOffset readAt, Replacements? replacements = null)
    {
        TaskRow[] rows = [.. result.ProtectedTasks
            .Select(t => Replacing(
                new TaskRow(
                    t.TaskArn ?? "(no ARN)",
                    t.ProtectionEnabled,
                    t.ExpirationDate,
                    t.ProtectionEnabled && t.ExpirationDate is { } expiry ? Math.Round(Math.Max(0, (expiry - readAt).TotalSeconds), 1) : null),
                replacements))
            .OrderByDescending(static t => t.ProtectionEnabled)
            .ThenByDescending(static t => t.ExpirationDate)
            .ThenBy(static t => t.TaskArn, StringComparer.Ordinal)];
        return new FleetReport(cluster, service, readAt, rows, result.Failures) { ReplacementsUnknown = replacements?.Unknown };
    }

    private static TaskRow Replacing(TaskRow row, Replacements? replacements) =>
        row.ProtectionEnabled && replacements?.Verdicts.GetValueOrDefault(row.TaskArn) is { Kind: not VerdictKind.Undecidable } verdict
            ? row with
            {
                BeingReplaced = verdict.Kind == VerdictKind.Replaced,
                ReplacedSince = verdict.Kind == VerdictKind.Replaced ? verdict.Primary?.CreatedAt : null,
                ReplacedBy = verdict.Kind == VerdictKind.Replaced ? verdict.Primary?.Id : null,
            }
            : row;
}
