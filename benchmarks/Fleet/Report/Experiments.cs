using TaskProtection.Fleet.Designs;
using TaskProtection.Fleet.Ecs;

namespace TaskProtection.Fleet.Report;

/// <summary>The designs and the experiments docs/fleet.md reports, in one place so that the report and the tests agree.</summary>
public static class Experiments
{
    /// <summary>
    /// Tuned for this day's jobs (an hour at most): the default hour-long drain in a 90-minute cap, so that deployments
    /// finish sooner at a small cost in queue wait (see docs/fleet.md).
    /// </summary>
    public static TaskProtectionOptions Tuned() => new() { MaxProtectionDuration = TimeSpan.FromMinutes(90), MaxProtectionDrain = TimeSpan.FromHours(1) };

    /// <summary>Every design by its command-line name.</summary>
    public static IReadOnlyDictionary<string, Func<IProtectionDesign>> Designs { get; } = new Dictionary<string, Func<IProtectionDesign>>
    {
        ["none"] = static () => new NoProtection(),
        ["per-job"] = static () => new PerJobProtection(),
        ["reference"] = static () => new ReferenceProtection(),
        ["defaults"] = static () => new TaskProtectionDesign("TaskProtection, defaults", new TaskProtectionOptions()),
        ["old-defaults"] = static () => new TaskProtectionDesign(
            "TaskProtection, former defaults (cap 1 h, no drain)",
            new TaskProtectionOptions { MaxProtectionDuration = TimeSpan.FromHours(1), MaxProtectionDrain = TimeSpan.Zero }),
        ["tuned"] = static () => new TaskProtectionDesign("TaskProtection, tuned (cap 90 min, drain 1 h)", Tuned()),
        ["drain-on-deployment"] = static () => new TaskProtectionDesign("TaskProtection, defaults, with TaskProtection.EcsApi (drain on deployment)", new TaskProtectionOptions(), withEcsApi: true),
    };

    /// <summary>
    /// The deployment check compared on the same day: off, then every 30 s to 10 min at a conservative account rate for
    /// the check's calls, and two intervals under a tight one.
    /// </summary>
    public static IReadOnlyList<DeploymentSetting> DeploymentSettings { get; } =
    [
        new(null),
        new(TimeSpan.FromSeconds(30)),
        new(TimeSpan.FromMinutes(1)),
        new(TimeSpan.FromMinutes(2)),
        new(TimeSpan.FromMinutes(5)),
        new(TimeSpan.FromMinutes(10)),
        new(TimeSpan.FromMinutes(2), DescribeRate: 5),
        new(TimeSpan.FromMinutes(5), DescribeRate: 5),
    ];

    /// <summary>TaskProtection at its defaults with each of <see cref="DeploymentSettings"/> on the same day.</summary>
    public static IReadOnlyList<(DeploymentSetting Setting, FleetResult Result)> SweepDeploymentCheck(FleetConfig day) =>
        [.. DeploymentSettings.Select(setting => (setting, FleetService.Run(
            day with { DescribeRatePerSecond = setting.DescribeRate },
            new TaskProtectionDesign(setting.Label, setting.ToOptions(), withEcsApi: setting.Interval is not null))))];

    /// <summary>The same day for every design.</summary>
    public static IReadOnlyList<FleetResult> CompareDesigns(FleetConfig day) =>
        [.. Designs.Values.Select(design => FleetService.Run(day, design()))];

    /// <summary>The caps, drains and cool-downs compared on the same day: the drain off (as before it existed), and on.</summary>
    public static IReadOnlyList<CapSetting> CapSettings { get; } =
    [
        new(TimeSpan.FromHours(1), TimeSpan.Zero),
        new(TimeSpan.FromHours(2), TimeSpan.Zero),
        new(TimeSpan.FromHours(4), TimeSpan.Zero),
        new(TimeSpan.FromHours(1), TimeSpan.FromMinutes(30)),
        new(TimeSpan.FromMinutes(70), TimeSpan.FromHours(1)),
        new(TimeSpan.FromMinutes(90), TimeSpan.FromHours(1)),
        new(TimeSpan.FromHours(2), TimeSpan.FromHours(1)),
        new(TimeSpan.FromHours(2), TimeSpan.FromHours(1), TimeSpan.FromMinutes(1)),
        new(TimeSpan.FromHours(2), TimeSpan.FromHours(1), TimeSpan.FromMinutes(15)),
        new(TimeSpan.FromHours(3), TimeSpan.FromHours(1)),
    ];

    /// <summary>TaskProtection with each of <see cref="CapSettings"/> on the same day.</summary>
    public static IReadOnlyList<(CapSetting Setting, FleetResult Result)> SweepCap(FleetConfig day) =>
        [.. CapSettings.Select(setting => (setting, FleetService.Run(day, new TaskProtectionDesign(setting.ToString(), setting.ToOptions()))))];

    /// <summary>A scale-out burst of <paramref name="tasks"/> tasks under account rates from tight to loose.</summary>
    public static IReadOnlyList<(double Rate, FleetResult Result)> SweepBurstRate(int tasks, int seed = 1) =>
        [.. new[] { 1.0, 5, 20, 100 }.Select(rate => (rate, FleetService.Run(
            new FleetConfig { MaxTasks = tasks, BurstTasks = tasks, Duration = TimeSpan.FromMinutes(20), AccountRatePerSecond = rate, DeploymentEvery = TimeSpan.Zero, Seed = seed },
            new TaskProtectionDesign($"{rate}/s", new TaskProtectionOptions()))))];
}
