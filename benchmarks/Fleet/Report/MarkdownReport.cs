using System.Globalization;
using System.Text;
using TaskProtection.Fleet.Ecs;

namespace TaskProtection.Fleet.Report;

/// <summary>
/// Writes the figures into docs/fleet.md (between <c>&lt;!-- fleet:NAME:begin --&gt;</c> and its end marker, leaving the
/// prose alone) and the pictures into docs/fleet/*.svg.
/// </summary>
public static class MarkdownReport
{
    public static string DesignsTable(IReadOnlyList<FleetResult> results)
    {
        var text = new StringBuilder();
        text.Append("| Design | Runs killed | Work lost (job-h) | Runs told (reasons told) | Untold unprotected runs | Task-hours | Protected idle (task-h) | Scale-in held (task-h) | Deployments done (mean / max min) | Calls / task-h (bound) | Throttled calls | Wall time |\n");
        text.Append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (FleetResult r in results)
        {
            text.Append(Invariant($"| {r.Design} | {r.RunsKilled:N0} | {r.WorkLostHours:N1} | {r.RunsTold:N0} ({Reasons(r)}) | {r.InvariantViolations:N0} | {r.TaskHours:N0} | {r.ProtectedIdleTaskHours:N1} | {r.ScaleInBlockedTaskHours:N1} | {Deployments(r)} | {r.CallsPerTaskHour:N1} ({r.LowerBoundPerTaskHour:N1}) | {r.ThrottledCalls:N0} | {r.WallTime.TotalSeconds:N0} s |\n"));
        }

        return text.ToString();
    }

    public static string CapTable(IReadOnlyList<(CapSetting Setting, FleetResult Result)> sweep)
    {
        var text = new StringBuilder();
        text.Append("| `MaxProtectionDuration` | `MaxProtectionDrain` | `MaxProtectionCooldown` | Runs killed | Work lost (job-h) | Told `MaxDurationReached` | Runs refused | `DEPLOYMENT_BLOCKED` answers | Mean queue wait | Task-hours | Deployments done: mean / max (min) |\n");
        text.Append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        foreach ((CapSetting setting, FleetResult r) in sweep)
        {
            string drain = setting.Drain == TimeSpan.Zero ? "off" : CapSetting.Span(setting.Drain);
            text.Append(Invariant($"| {CapSetting.Span(setting.Cap)} | {drain} | {CapSetting.Span(setting.EffectiveCooldown)} | {r.RunsKilled:N0} | {r.WorkLostHours:N1} | {r.ToldReasons.GetValueOrDefault("MaxDurationReached"):N0} | {r.RunsRefused:N0} | {r.DeploymentBlockedAnswers:N0} | {r.MeanQueueWaitSeconds:N0} s | {r.TaskHours:N0} | {Deployments(r)} |\n"));
        }

        return text.ToString();
    }

    public static string DeploymentTable(IReadOnlyList<(DeploymentSetting Setting, FleetResult Result)> sweep)
    {
        var text = new StringBuilder();
        text.Append("| Deployment check | Runs killed | Deployments done | Deployment mean / p95 / max (min) | Longest job left at the start: mean / max (min) | Beyond it: mean / max (min) | Check calls / task-h | Check calls / s: day / busiest minute | Throttled checks | Mean queue wait |\n");
        text.Append("|---|---|---|---|---|---|---|---|---|---|\n");
        foreach ((DeploymentSetting setting, FleetResult r) in sweep)
        {
            DeploymentRecord[] done = [.. r.Deployments.Where(static d => d.Duration is not null)];
            double[] minutes = [.. done.Select(static d => d.Duration!.Value.TotalMinutes).Order()];
            double[] floor = [.. done.Select(static d => d.LongestJobLeft.TotalMinutes)];
            double[] beyond = [.. done.Select(static d => (d.Duration!.Value - d.LongestJobLeft).TotalMinutes)];
            string durations = minutes.Length == 0 ? "–" : Invariant($"{minutes.Average():N0} / {Quantile(minutes, 0.95):N0} / {minutes[^1]:N0}");
            string floors = floor.Length == 0 ? "–" : Invariant($"{floor.Average():N0} / {floor.Max():N0}");
            string over = beyond.Length == 0 ? "–" : Invariant($"{beyond.Average():N1} / {beyond.Max():N1}");
            double perSecond = r.DescribeCalls / Math.Max(1, r.Simulated.TotalSeconds);
            text.Append(Invariant($"| {setting.Label} | {r.RunsKilled:N0} | {done.Length} of {r.Deployments.Count} | {durations} | {floors} | {over} | {r.DescribeCallsPerTaskHour:N1} | {perSecond:N1} / {r.DescribePeakPerSecond:N1} | {r.DescribeThrottled:N0} | {r.MeanQueueWaitSeconds:N0} s |\n"));
        }

        return text.ToString();
    }

    public static string DeploymentChart(IReadOnlyList<(DeploymentSetting Setting, FleetResult Result)> sweep) =>
        SvgChart.Bars(
            "Mean deployment time in one day, by deployment check",
            "minutes",
            [.. sweep.Select(static s => (s.Setting.Label, s.Result.Deployments.Where(static d => d.Duration is not null).Select(static d => d.Duration!.Value.TotalMinutes).DefaultIfEmpty().Average()))]);

    public static string BurstTable(IReadOnlyList<(double Rate, FleetResult Result)> sweep)
    {
        var text = new StringBuilder();
        text.Append("| Account rate (UpdateTaskProtection/s, burst 2×) | Admissions | Wait p50 | p99 | max | Bodies started past `AcquireTimeout` unconfirmed | Throttled calls | Runs killed |\n");
        text.Append("|---|---|---|---|---|---|---|---|\n");
        foreach ((double rate, FleetResult r) in sweep)
        {
            double[] waits = [.. r.AdmissionWaits.Order()];
            text.Append(Invariant($"| {rate} | {waits.Length:N0} | {Quantile(waits, 0.5):N1} s | {Quantile(waits, 0.99):N1} s | {waits.DefaultIfEmpty().Max():N1} s | {r.StartedPastAcquireTimeout:N0} | {r.ThrottledCalls:N0} | {r.RunsKilled:N0} |\n"));
        }

        return text.ToString();
    }

    public static string Timeline(FleetResult result) => SvgChart.Lines(
        $"One day of {result.Design}",
        "hour of the day",
        "tasks / jobs",
        [
            new Series("desired tasks", [.. result.Timeline.Select(static p => (p.At.TotalHours, (double)p.Desired))]),
            new Series("live tasks", [.. result.Timeline.Select(static p => (p.At.TotalHours, (double)p.Live))]),
            new Series("protected tasks", [.. result.Timeline.Select(static p => (p.At.TotalHours, (double)p.Protected))]),
            new Series("jobs queued", [.. result.Timeline.Select(static p => (p.At.TotalHours, (double)p.Queued))]),
        ]);

    public static string KillsChart(IReadOnlyList<FleetResult> results) =>
        SvgChart.Bars("Job runs killed mid-run in one day", "runs killed", [.. results.Select(static r => (r.Design, (double)r.RunsKilled))]);

    public static string BurstChart(IReadOnlyList<(double Rate, FleetResult Result)> sweep) => SvgChart.Lines(
        "Scale-out burst: wait from taking a job to its body starting",
        "seconds",
        "share of admissions",
        [.. sweep.Select(static s => new Series($"{s.Rate} calls/s", Cdf(s.Result.AdmissionWaits)))]);

    public static string CapChart(IReadOnlyList<(CapSetting Setting, FleetResult Result)> sweep) =>
        SvgChart.Bars("Runs killed in one day, by cap and drain", "runs killed", [.. sweep.Select(static s => (s.Result.Design, (double)s.Result.RunsKilled))]);

    /// <summary>Replaces the text between the markers named <paramref name="name"/> in <paramref name="document"/>.</summary>
    public static string Replace(string document, string name, string content)
    {
        string begin = $"<!-- fleet:{name}:begin -->";
        string end = $"<!-- fleet:{name}:end -->";
        int from = document.IndexOf(begin, StringComparison.Ordinal);
        int to = document.IndexOf(end, StringComparison.Ordinal);
        if (from < 0 || to < from)
        {
            throw new InvalidOperationException($"docs/fleet.md has no '{begin}' … '{end}' section; add the two markers where the figures belong.");
        }

        return document[..(from + begin.Length)] + "\n" + content + document[to..];
    }

    public static string Settings(FleetConfig day) => Invariant(
        $"{day.MaxTasks:N0} tasks at most ({day.EffectiveMinTasks} at least), {day.WorkersPerTask} workers each, {day.Duration.TotalHours:0} h, jobs {day.ShortestJob.TotalSeconds:0} s to {day.LongestJob.TotalMinutes:0} min (mean {day.MeanJob.TotalMinutes:0.0} min), peak load {day.PeakLoad:P0}, deployments every {day.DeploymentEvery.TotalHours:0} h from {day.FirstDeployment.TotalHours:0}:00, stopTimeout {day.StopTimeout.TotalSeconds:0} s, account rate {day.AccountRatePerSecond:0}/s (burst {day.EffectiveAccountBurst:0}), seed {day.Seed}.");

    private static string Reasons(FleetResult r) =>
        r.ToldReasons.Count == 0 ? "–" : string.Join(", ", r.ToldReasons.OrderByDescending(static p => p.Value).Select(static p => Invariant($"{p.Key} {p.Value:N0}")));

    private static string Deployments(FleetResult r)
    {
        TimeSpan[] done = [.. r.Deployments.Where(static d => d.Duration is not null).Select(static d => d.Duration!.Value)];
        string figures = done.Length == 0 ? "–" : Invariant($"{done.Average(static d => d.TotalMinutes):N0} / {done.Max().TotalMinutes:N0}");
        return Invariant($"{done.Length} of {r.Deployments.Count}: {figures}");
    }

    private static List<(double X, double Y)> Cdf(IReadOnlyList<double> values)
    {
        double[] sorted = [.. values.Order()];
        var points = new List<(double, double)>();
        int step = Math.Max(1, sorted.Length / 200);
        for (int i = 0; i < sorted.Length; i += step)
        {
            points.Add((sorted[i], (i + 1.0) / sorted.Length));
        }

        if (sorted.Length > 0)
        {
            points.Add((sorted[^1], 1));
        }

        return points;
    }

    private static double Quantile(double[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
