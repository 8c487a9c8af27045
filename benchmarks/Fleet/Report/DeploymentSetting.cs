using System.Globalization;

namespace TaskProtection.Fleet.Report;

/// <summary>
/// One row of the deployment sweep: TaskProtection at its defaults, with the deployment check every
/// <paramref name="Interval"/> (null: without TaskProtection.EcsApi, so no check), against an account whose rate for the
/// check's calls is <paramref name="DescribeRate"/> a second.
/// </summary>
public sealed record DeploymentSetting(TimeSpan? Interval, double DescribeRate = 20)
{
    public TaskProtectionOptions ToOptions() => Interval is { } interval ? new() { DeploymentCheckInterval = interval } : new();

    public string Label => Interval is { } interval
        ? string.Create(CultureInfo.InvariantCulture, $"check every {Span(interval)}, {DescribeRate:0}/s")
        : "no check (TaskProtection alone)";

    public static string Span(TimeSpan span) => span < TimeSpan.FromMinutes(1)
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0} s")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0} min");
}
