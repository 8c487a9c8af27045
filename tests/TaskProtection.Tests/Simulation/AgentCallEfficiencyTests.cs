using System.Globalization;
using System.Text;
using TaskProtection.Tests.Shared;
using Xunit.Abstractions;

namespace TaskProtection.Tests.Simulation;

/// <summary>
/// A simulated day of each workload, on the real manager and on the designs it is compared with: agent calls against
/// the lower bound, over-protection, and work left unprotected. The table in docs/performance.md is this report; set
/// TASKPROTECTION_UPDATE_DOCS=1 to rewrite it after a change.
/// </summary>
public sealed class AgentCallEfficiencyTests(ITestOutputHelper output)
{
    public const string UpdateVariable = "TASKPROTECTION_UPDATE_DOCS";
    private const string BeginMarker = "<!-- agent-call-efficiency:begin -->";
    private const string EndMarker = "<!-- agent-call-efficiency:end -->";

    /// <summary>
    /// The defaults, except that continuous protection may last the whole day: the comparison is about calls, and the
    /// designs compared have no cap either (an operator running a queue around the clock raises it the same way).
    /// </summary>
    private static readonly TaskProtectionOptions Defaults = new() { MaxProtectionDuration = TimeSpan.FromHours(25), MaxProtectionDrain = TimeSpan.Zero };

    /// <summary>The same with the reference design's release lag allowed, for a like-for-like comparison with it.</summary>
    private static readonly TaskProtectionOptions SlowRelease = new() { MaxProtectionDuration = TimeSpan.FromHours(25), MaxProtectionDrain = TimeSpan.Zero, ReleaseDelay = TimeSpan.FromSeconds(60) };

    private static readonly Lazy<List<Row>> Report = new(BuildReport);

    public static TheoryData<string> WorkloadNames => new(Workloads.All.Select(static w => w.Name));

    [Theory]
    [MemberData(nameof(WorkloadNames))]
    public void TaskProtection_makes_the_fewest_calls_its_release_delay_allows_and_leaves_no_work_unprotected(string workload)
    {
        foreach (Row row in Report.Value.Where(r => r.Workload == workload && r.Design is Design.TaskProtection or Design.TaskProtectionSlowRelease))
        {
            output.WriteLine(Describe(row));
            Assert.Equal(TimeSpan.Zero, row.Figures.UnprotectedWork);
            Assert.Equal(row.Figures.LowerBound, row.Figures.AgentCalls);
            Assert.Equal(row.Figures.OverProtectionFloor, row.Figures.OverProtected);
        }
    }

    [Theory]
    [MemberData(nameof(WorkloadNames))]
    public void The_seed_design_protects_all_work_within_its_bounds(string workload)
    {
        Row reference = Report.Value.Single(r => r.Workload == workload && r.Design == Design.Reference);
        output.WriteLine(Describe(reference));

        Assert.Equal(TimeSpan.Zero, reference.Figures.UnprotectedWork);
        Assert.True(reference.Figures.AgentCalls >= reference.Figures.LowerBound, Describe(reference));
        Assert.True(reference.Figures.OverProtected <= reference.Figures.OverProtectionFloor, Describe(reference));
    }

    [Fact]
    public void The_accounting_sees_work_left_unprotected_when_one_job_ending_disables_protection_for_another()
    {
        // Overlapping jobs under hand-written per-job protection: the first to end disables protection for the rest.
        Row perJob = Report.Value.Single(r => r.Workload == Workloads.Poisson(2.0).Name && r.Design == Design.PerJob);
        output.WriteLine(Describe(perJob));
        Assert.True(perJob.Figures.UnprotectedWork > TimeSpan.FromMinutes(10), Describe(perJob));

        Row continuous = Report.Value.Single(r => r.Workload == Workloads.Continuous().Name && r.Design == Design.PerJob);
        Assert.Equal(TimeSpan.Zero, continuous.Figures.UnprotectedWork);
    }

    [Fact]
    public void The_lower_bound_joins_busy_periods_closer_than_the_release_delay()
    {
        Stretch[] busy = [new(TimeSpan.Zero, TimeSpan.FromMinutes(4)), new(TimeSpan.FromSeconds(243), TimeSpan.FromMinutes(7)), new(TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(21))];

        // [0, 7 min) is one period (a 3 s gap): 2 enabling calls and a release; [20, 21 min): 1 and a release.
        Assert.Equal(5, ProtectionAccounting.LowerBound(busy, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5)));
        Assert.Equal(TimeSpan.FromSeconds(3 + 5 + 5), ProtectionAccounting.OverProtectionFloor(busy, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Docs_performance_md_holds_this_report()
    {
        string path = RepositoryFiles.Path("docs", "performance.md");
        string document = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        int begin = document.IndexOf(BeginMarker, StringComparison.Ordinal);
        int end = document.IndexOf(EndMarker, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"{path} has no {BeginMarker} … {EndMarker} block.");

        string expected = Render(Report.Value);
        string actual = document[(begin + BeginMarker.Length)..end];
        output.WriteLine(expected);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, document[..(begin + BeginMarker.Length)] + expected + document[end..]);
            return;
        }

        Assert.True(
            expected == actual,
            $"The agent-call table in {path} is out of date. Run the tests with {UpdateVariable}=1 and review the diff.{Environment.NewLine}Expected:{Environment.NewLine}{expected}");
    }

    private static List<Row> BuildReport()
    {
        var rows = new List<Row>();
        foreach (Workload workload in Workloads.All)
        {
            rows.Add(RunManager(workload, Design.TaskProtection, Defaults));
            rows.Add(RunManager(workload, Design.TaskProtectionSlowRelease, SlowRelease));
            DesignRun reference = ComparisonDesigns.Reference(workload.Sessions);
            rows.Add(Measure(workload, Design.Reference, reference.AgentCalls, reference.Unprotected, ComparisonDesigns.CheckInterval));
            DesignRun perJob = ComparisonDesigns.PerJob(workload.Sessions);
            rows.Add(Measure(workload, Design.PerJob, perJob.AgentCalls, perJob.Unprotected, TimeSpan.Zero));
        }

        return rows;
    }

    private static Row RunManager(Workload workload, Design design, TaskProtectionOptions options)
    {
        SimResult result = GapSimulation.Run(options, workload.Sessions, static _ => null, static _ => TimeSpan.Zero, static () => 0.5);
        if (result.Gaps.Count > 0)
        {
            throw new InvalidOperationException($"{workload.Name}: {string.Join("; ", result.Gaps.Take(5))}");
        }

        return Measure(workload, design, result.AgentCalls, result.Unprotected, options.ReleaseDelay);
    }

    private static Row Measure(Workload workload, Design design, int calls, IReadOnlyList<Stretch> unprotected, TimeSpan releaseWithin) =>
        new(
            workload.Name,
            workload.Sessions.Count,
            ProtectionAccounting.Total(ProtectionAccounting.BusyPeriods(workload.Sessions)),
            design,
            releaseWithin,
            ProtectionAccounting.Measure(workload.Sessions, calls, unprotected, Defaults.ExtensionInterval, releaseWithin));

    private static string Render(IReadOnlyList<Row> rows)
    {
        var text = new StringBuilder("\n");
        text.Append("| Workload (24 h) | Design | Releases within | Agent calls | Lower bound | Calls / bound | Protected while idle | Work left unprotected |\n");
        text.Append("|---|---|---|---|---|---|---|---|\n");
        foreach (Row row in rows)
        {
            string workload = row.Design == Design.TaskProtection
                ? string.Create(CultureInfo.InvariantCulture, $"{row.Workload}: {row.Jobs:N0} jobs, busy {row.Busy.TotalHours:0.0} h")
                : string.Empty;
            EfficiencyFigures f = row.Figures;
            text.Append(CultureInfo.InvariantCulture, $"| {workload} | {Name(row.Design)} | {row.ReleaseWithin.TotalSeconds:0} s ");
            text.Append(CultureInfo.InvariantCulture, $"| {f.AgentCalls:N0} | {f.LowerBound:N0} | {(double)f.AgentCalls / f.LowerBound:0.00} ");
            text.Append(CultureInfo.InvariantCulture, $"| {Seconds(f.OverProtected)} | {Seconds(f.UnprotectedWork)} |\n");
        }

        return text.ToString();
    }

    private static string Describe(Row row) =>
        string.Create(CultureInfo.InvariantCulture, $"{row.Workload} / {Name(row.Design)}: {row.Figures.AgentCalls} calls (bound {row.Figures.LowerBound}), protected while idle {Seconds(row.Figures.OverProtected)} (floor {Seconds(row.Figures.OverProtectionFloor)}), work unprotected {Seconds(row.Figures.UnprotectedWork)}");

    private static string Seconds(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:N0} s");

    private static string Name(Design design) => design switch
    {
        Design.TaskProtection => "**TaskProtection** (defaults)",
        Design.TaskProtectionSlowRelease => "TaskProtection, `ReleaseDelay` 60 s",
        Design.Reference => "reference design (check every 60 s)",
        _ => "by hand, per job",
    };

    private enum Design
    {
        TaskProtection,
        TaskProtectionSlowRelease,
        Reference,
        PerJob,
    }

    private sealed record Row(string Workload, int Jobs, TimeSpan Busy, Design Design, TimeSpan ReleaseWithin, EfficiencyFigures Figures);
}
