using Microsoft.Extensions.Diagnostics.HealthChecks;
using TaskProtection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the TaskProtection health check.</summary>
public static class TaskProtectionHealthChecksBuilderExtensions
{
    /// <summary>The default registration name.</summary>
    public const string DefaultName = "task-protection";

    /// <summary>
    /// Adds <see cref="TaskProtectionHealthCheck"/>: Healthy when idle or protected, Degraded while retrying, Unhealthy
    /// (or <paramref name="failureStatus"/>) when protection is lost. Needs <c>AddTaskProtection</c>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The registration name.</param>
    /// <param name="failureStatus">Reported when protection is lost; Unhealthy when null.</param>
    /// <param name="tags">Tags to filter checks by (for example "ready").</param>
    /// <returns>The same builder.</returns>
    public static IHealthChecksBuilder AddTaskProtection(
        this IHealthChecksBuilder builder,
        string name = DefaultName,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            static services => new TaskProtectionHealthCheck(services.GetRequiredService<TaskProtectionManager>()),
            failureStatus,
            tags));
    }
}
