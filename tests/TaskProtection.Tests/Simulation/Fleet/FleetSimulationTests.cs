using TaskProtection.Fleet.Designs;
using TaskProtection.Fleet.Ecs;
using TaskProtection.Fleet.Report;
using TaskProtection.Tests.Shared;

namespace TaskProtection.Tests.Simulation.Fleet;

/// <summary>
/// A small day of the fleet simulator (docs/fleet.md): tens of tasks, each running the real manager, scaling with a
/// queue, scaled in and replaced by ECS judging by its own record. TASKPROTECTION_FLEET_SEEDS runs more seeds.
/// </summary>
public sealed class FleetSimulationTests
{
    private static readonly FleetConfig SmallDay = new() { MaxTasks = 40, Duration = TimeSpan.FromHours(12) };

    public static TheoryData<int> Seeds()
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable("TASKPROTECTION_FLEET_SEEDS"), out int n) && n > 0 ? n : 2;
        var seeds = new TheoryData<int>();
        for (int seed = 1; seed <= count; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void TaskProtection_tuned_loses_no_work_while_the_service_scales_and_deploys(int seed)
    {
        FleetResult result = FleetService.Run(SmallDay with { Seed = seed }, Experiments.Designs["tuned"]());

        Assert.True(result.JobsCompleted > 0.95 * result.JobsArrived, Describe(result));
        Assert.True(result.TasksStopped > 10, $"ECS should have scaled in or replaced tasks: {Describe(result)}");
        Assert.NotEmpty(result.Deployments);
        Assert.Equal(0, result.RunsKilled);
        Assert.Equal(0, result.InvariantViolations);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void TaskProtection_at_its_defaults_never_lets_a_body_run_unprotected_untold(int seed)
    {
        FleetResult result = FleetService.Run(SmallDay with { Seed = seed }, Experiments.Designs["defaults"]());

        // Judged by ECS's record of each task: every stretch a body ran unprotected came after the application was told.
        Assert.Equal(0, result.InvariantViolations);
        Assert.Equal(0, result.RunsKilledUntold);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Drain_on_deployment_replaces_busy_tasks_when_their_jobs_end_instead_of_at_the_cap(int seed)
    {
        FleetResult without = FleetService.Run(SmallDay with { Seed = seed }, Experiments.Designs["defaults"]());
        FleetResult with = FleetService.Run(SmallDay with { Seed = seed }, Experiments.Designs["drain-on-deployment"]());

        Assert.Equal(0, with.RunsKilled);
        Assert.Equal(0, with.InvariantViolations);
        Assert.All(with.Deployments, static d => Assert.NotNull(d.Duration));

        // Each deployment waits for the jobs old tasks run: those running when it started, and those they took before
        // their check told them (the new tasks' start-up, then up to an interval, 5 min); never for the cap (2 h).
        Assert.All(with.Deployments, d => Assert.True(d.Duration <= SmallDay.LongestJob + TimeSpan.FromMinutes(15), $"{d} in {Describe(with)}"));
        Assert.True(Mean(with) < Mean(without), $"with {Mean(with):0} min, without {Mean(without):0} min");
        Assert.True(with.DescribeCalls > 0 && with.DescribeThrottled == 0, Describe(with));
    }

    [Fact]
    public void The_same_day_without_protection_loses_work_so_the_check_can_fail()
    {
        FleetResult result = FleetService.Run(SmallDay, new NoProtection());

        Assert.True(result.RunsKilled > 0, Describe(result));
        Assert.True(result.InvariantViolations > 0, Describe(result));
    }

    [Fact]
    public void Hand_written_protection_releases_other_workers_protection_and_loses_work()
    {
        FleetResult result = FleetService.Run(SmallDay, new PerJobProtection());

        Assert.True(result.InvariantViolations > 0, Describe(result));
    }

    [Fact]
    public void A_scale_out_burst_within_the_rate_limit_is_protected_before_every_body_despite_throttling()
    {
        FleetResult result = FleetService.Run(Burst(ratePerSecond: 5), Experiments.Designs["defaults"]());

        Assert.True(result.ThrottledCalls > 0, $"the burst should have been throttled: {Describe(result)}");
        Assert.Equal(0, result.StartedPastAcquireTimeout);
        Assert.Equal(0, result.InvariantViolations);
        Assert.True(result.AdmissionWaits.Max() < 30, $"longest wait {result.AdmissionWaits.Max():0.0} s");
    }

    [Fact]
    public void A_burst_beyond_the_rate_limit_tells_the_bodies_it_cannot_protect_in_time()
    {
        FleetResult result = FleetService.Run(Burst(ratePerSecond: 0.5), Experiments.Designs["defaults"]());

        Assert.True(result.StartedPastAcquireTimeout > 0, Describe(result));
        Assert.Equal(0, result.InvariantViolations);
    }

    private static FleetConfig Burst(double ratePerSecond) =>
        new() { MaxTasks = 60, BurstTasks = 60, Duration = TimeSpan.FromMinutes(10), AccountRatePerSecond = ratePerSecond, DeploymentEvery = TimeSpan.Zero };

    [Theory]
    [InlineData(0, "MaxTasks must be 1 to 100,000")]
    [InlineData(-1, "WorkersPerTask must be 1 to 64")]
    public void A_bad_configuration_says_which_setting_to_fix(int value, string message)
    {
        FleetConfig config = value == 0 ? SmallDay with { MaxTasks = 0 } : SmallDay with { WorkersPerTask = value };

        ArgumentException error = Assert.Throws<ArgumentException>(() => FleetService.Run(config, new NoProtection()));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_page_has_every_section_the_simulator_writes()
    {
        string page = File.ReadAllText(RepositoryFiles.Path("docs", "fleet.md"));

        foreach (string section in new[] { "settings", "designs", "cap", "burst", "scaling" })
        {
            string replaced = MarkdownReport.Replace(page, section, "figures\n");
            Assert.Contains($"<!-- fleet:{section}:begin -->\nfigures\n<!-- fleet:{section}:end -->", replaced, StringComparison.Ordinal);
        }
    }

    private static string Describe(FleetResult r) =>
        $"{r.Design}: {r.JobsCompleted}/{r.JobsArrived} jobs done, {r.RunsKilled} runs killed ({r.RunsKilledUntold} untold), {r.InvariantViolations} untold unprotected, {r.TasksStopped} tasks stopped, {r.ThrottledCalls} throttled";

    private static double Mean(FleetResult result) =>
        result.Deployments.Where(static d => d.Duration is not null).Average(static d => d.Duration!.Value.TotalMinutes);
}
