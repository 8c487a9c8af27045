using System.Globalization;
using TaskProtection.Fleet.Ecs;

namespace TaskProtection.Fleet.Report;

/// <summary>Runs docs/fleet.md's experiments and writes their tables and pictures.</summary>
public static class ReportWriter
{
    public static void Write(DirectoryInfo docs, int tasks, int seed)
    {
        ArgumentNullException.ThrowIfNull(docs);
        string page = Path.Combine(docs.FullName, "fleet.md");
        if (!File.Exists(page))
        {
            throw new ArgumentException($"No fleet.md in '{docs.FullName}': pass the repository's docs folder with --docs.");
        }

        string pictures = Path.Combine(docs.FullName, "fleet");
        Directory.CreateDirectory(pictures);
        var day = new FleetConfig { MaxTasks = tasks, Seed = seed };
        string text = File.ReadAllText(page);
        text = MarkdownReport.Replace(text, "settings", MarkdownReport.Settings(day) + "\n");

        Progress("comparing the designs");
        IReadOnlyList<FleetResult> designs = Experiments.CompareDesigns(day);
        text = MarkdownReport.Replace(text, "designs", MarkdownReport.DesignsTable(designs));
        File.WriteAllText(Path.Combine(pictures, "kills.svg"), MarkdownReport.KillsChart(designs));
        File.WriteAllText(Path.Combine(pictures, "day.svg"), MarkdownReport.Timeline(designs.First(static d => d.Design.StartsWith("TaskProtection, defaults", StringComparison.Ordinal))));

        Progress("sweeping the cap");
        IReadOnlyList<(CapSetting, FleetResult)> caps = Experiments.SweepCap(day);
        text = MarkdownReport.Replace(text, "cap", MarkdownReport.CapTable(caps));
        File.WriteAllText(Path.Combine(pictures, "cap.svg"), MarkdownReport.CapChart(caps));

        Progress("the deployment check");
        IReadOnlyList<(DeploymentSetting, FleetResult)> deployments = Experiments.SweepDeploymentCheck(day);
        text = MarkdownReport.Replace(text, "deployments", MarkdownReport.DeploymentTable(deployments));
        File.WriteAllText(Path.Combine(pictures, "deployments.svg"), MarkdownReport.DeploymentChart(deployments));

        Progress("scale-out bursts");
        IReadOnlyList<(double, FleetResult)> bursts = Experiments.SweepBurstRate(Math.Max(1, tasks / 2), seed);
        text = MarkdownReport.Replace(text, "burst", MarkdownReport.BurstTable(bursts));
        File.WriteAllText(Path.Combine(pictures, "burst.svg"), MarkdownReport.BurstChart(bursts));

        Progress("scaling");
        text = MarkdownReport.Replace(text, "scaling", Scaling(seed));
        File.WriteAllText(page, text);
        Progress($"wrote {page} and {pictures}");
    }

    /// <summary>Wall time of one TaskProtection day at growing sizes: how the simulator scales.</summary>
    private static string Scaling(int seed)
    {
        var table = new System.Text.StringBuilder("| Tasks at most | Task-hours | Timers and events | Wall time |\n|---|---|---|---|\n");
        foreach (int size in new[] { 100, 300, 1000 })
        {
            FleetResult r = FleetService.Run(new FleetConfig { MaxTasks = size, Seed = seed }, Experiments.Designs["defaults"]());
            table.Append(CultureInfo.InvariantCulture, $"| {size:N0} | {r.TaskHours:N0} | {r.Steps:N0} | {r.WallTime.TotalSeconds:N1} s |\n");
        }

        return table.ToString();
    }

    private static void Progress(string what) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {what}");
}
