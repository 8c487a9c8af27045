using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.EcsApi.Deployments;

/// <summary>
/// The watcher on a simulated clock, against the fake ECS API in memory: it checks only while the task is protected,
/// stops taking work once per deployment, resumes on a rollback, says once when it cannot work, and backs off when
/// throttled. The manager's own calls go to the agent and are judged by its record.
/// </summary>
public sealed class DeploymentWatcherTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Checks_only_while_protected_and_stops_taking_work_once_a_deployment_replaces_the_task()
    {
        await using var w = new Watched();
        w.H.AdvanceTo(TimeSpan.FromMinutes(5));
        Assert.Empty(w.Describes());

        CriticalSession job = w.H.Entered("transcode");
        w.H.AdvanceTo(TimeSpan.FromMinutes(7));
        Assert.Equal(2, w.Describes("DescribeServices").Count);
        Assert.Single(w.Describes("DescribeTasks"));
        Assert.True(w.H.Manager.Admission.IsAccepting);

        string deployment = w.Api.StartDeployment(Watched.Cluster, Watched.Service, "arn:aws:ecs:us-east-1:123456789012:task-definition/video:2");
        w.H.AdvanceTo(TimeSpan.FromMinutes(8));

        AdmissionState admission = w.H.Manager.Admission;
        Assert.Equal(SessionRefusalReason.StoppedTakingWork, admission.RefusalReason);
        Assert.Contains($"the service video is replacing this task: deployment {deployment} (video:2) is PRIMARY since 2026-01-01 00:07:00Z", admission.Why, StringComparison.Ordinal);
        await Assert.ThrowsAsync<CriticalSessionRefusedException>(() => w.H.EnterAsync("late"));
        Assert.True(w.H.Model.IsProtected);

        job.Dispose();
        w.H.Pump();
        Assert.False(w.H.Model.IsProtected);
        Assert.Equal(ProtectionMode.Retired, w.H.Manager.Mode);
        Assert.Single(w.H.Model.UnprotectedIntervals(w.H.Start + TimeSpan.FromMinutes(5.5)));
    }

    [Fact]
    public async Task A_rollback_makes_the_task_take_work_again_and_the_next_deployment_stops_it_again()
    {
        await using var w = new Watched();
        using CriticalSession job = w.H.Entered("transcode");
        w.Api.StartDeployment(Watched.Cluster, Watched.Service);
        w.H.AdvanceTo(TimeSpan.FromMinutes(1));
        Assert.False(w.H.Manager.Admission.IsAccepting);

        w.Api.RollBack(Watched.Cluster, Watched.Service);
        w.H.AdvanceTo(TimeSpan.FromMinutes(2));
        Assert.True(w.H.Manager.Admission.IsAccepting);
        Assert.Contains(w.Logs.GetSnapshot(), r => r.Id.Id == 1092 && r.Message.Contains("is PRIMARY", StringComparison.Ordinal));
        using CriticalSession next = w.H.Entered("next");

        w.Api.StartDeployment(Watched.Cluster, Watched.Service);
        w.H.AdvanceTo(TimeSpan.FromMinutes(3));
        Assert.Equal(SessionRefusalReason.StoppedTakingWork, w.H.Manager.Admission.RefusalReason);
    }

    [Fact]
    public async Task Without_permission_it_says_so_once_stops_asking_and_the_task_works_as_without_it()
    {
        await using var w = new Watched();
        w.Api.FaultPolicy = action => action.StartsWith("Describe", StringComparison.Ordinal) ? new EcsApiFault("AccessDeniedException") : null;
        using CriticalSession job = w.H.Entered("transcode");
        w.Api.StartDeployment(Watched.Cluster, Watched.Service);

        w.H.AdvanceTo(TimeSpan.FromMinutes(30));

        Assert.Single(w.Describes());
        FakeLogRecord warning = Assert.Single(w.Logs.GetSnapshot(), static r => r.Level >= LogLevel.Warning);
        Assert.Equal(1093, warning.Id.Id);
        Assert.Contains("Allow it ecs:DescribeServices and ecs:DescribeTasks", warning.Message, StringComparison.Ordinal);
        Assert.True(w.H.Manager.Admission.IsAccepting);
        Assert.True(w.H.Model.IsProtected);
    }

    [Fact]
    public async Task Throttled_checks_back_off_doubling_up_to_a_cap_and_protection_is_renewed_meanwhile()
    {
        await using var w = new Watched();
        w.Api.FaultPolicy = action => action == "DescribeServices" ? new EcsApiFault("ThrottlingException") : null;
        using CriticalSession job = w.H.Entered("transcode");

        w.H.AdvanceTo(TimeSpan.FromHours(3));

        // Jitter 0.5: each wait is three quarters of interval × 2^n, at most 16 intervals, never under one.
        double[] gaps = [.. w.Describes("DescribeServices").Zip(w.Describes("DescribeServices").Skip(1), static (a, b) => (b.ReceivedAt - a.ReceivedAt).TotalMinutes)];
        Assert.Equal([1.5, 3, 6, 12, 12, 12], gaps[..6]);
        Assert.Equal(0, w.H.Manager.GetStatus().Lapses);
        Assert.True(w.H.Puts(enabled: true).Count >= 30);
        Assert.DoesNotContain(w.Logs.GetSnapshot(), static r => r.Level >= LogLevel.Warning);
    }

    [Theory]
    [InlineData(1, 0.0, 60)]
    [InlineData(1, 1.0, 120)]
    [InlineData(3, 1.0, 480)]
    [InlineData(10, 1.0, 960)]
    [InlineData(10, 0.0, 480)]
    public void The_backoff_doubles_up_to_sixteen_intervals_jittered_between_half_and_all(int throttles, double jitter, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), DeploymentWatcher.Backoff(Interval, throttles, jitter));
        Assert.Equal(TimeSpan.FromHours(1), DeploymentWatcher.Backoff(TimeSpan.FromMinutes(30), 5, 1.0));
    }

    [Fact]
    public void Checks_drift_within_ten_percent_of_the_interval_so_that_tasks_started_together_spread_out()
    {
        Assert.Equal(TimeSpan.FromSeconds(54), DeploymentWatcher.Spread(Interval, 0));
        Assert.Equal(Interval, DeploymentWatcher.Spread(Interval, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(66), DeploymentWatcher.Spread(Interval, 1));
    }

    /// <summary>A harnessed manager (agent in memory) and its watcher, against an in-memory ECS API on the same clock.</summary>
    private sealed class Watched : IAsyncDisposable
    {
        public const string Cluster = "jobs";
        public const string Service = "video";
        private readonly CancellationTokenSource _stopping = new();

        public Watched()
        {
            H = new Harness(new TaskProtectionOptions { ReleaseDelay = TimeSpan.Zero });
            Api = new EcsApiModel(H.Clock);
            Api.AddTaskWith(Cluster, Service, H.Model);
            var task = new OwnService(Cluster, Service, H.Model.TaskArn);
            var check = new DeploymentCheck(_ => Task.FromResult<OwnService?>(task), _ => Api.CreateInMemoryClient(TimeSpan.FromSeconds(10)));
            var watcher = new DeploymentWatcher(H.Manager, check, Interval, H.Clock, new FakeLogger(Logs), static () => 0.5);
            _ = Task.Factory.StartNew(() => watcher.RunAsync(_stopping.Token), CancellationToken.None, TaskCreationOptions.None, H.Scheduler).Unwrap();
            H.Pump();
        }

        public Harness H { get; }

        public EcsApiModel Api { get; }

        public FakeLogCollector Logs { get; } = new();

        public IReadOnlyList<EcsApiCall> Describes(string? action = null) =>
            [.. Api.Calls.Where(c => action is null ? c.Action.StartsWith("Describe", StringComparison.Ordinal) : c.Action == action)];

        public async ValueTask DisposeAsync()
        {
            await _stopping.CancelAsync();
            _stopping.Dispose();
            await H.DisposeAsync();
        }
    }
}
