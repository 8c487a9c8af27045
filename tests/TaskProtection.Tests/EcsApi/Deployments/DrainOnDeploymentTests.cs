using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TaskProtection.Testing;

namespace TaskProtection.Tests.EcsApi.Deployments;

/// <summary>
/// DrainOnDeployment in a real host, over real sockets: the task's service is redeployed while a job runs, and the task
/// stops taking work at once and lets ECS replace it as soon as the job ends; judged by the agent's record.
/// </summary>
public sealed class DrainOnDeploymentTests
{
    private const string NewDefinition = "arn:aws:ecs:us-east-1:123456789012:task-definition/video:2";

    public static TheoryData<string> Registrations() => ["found by name", nameof(EcsApiServiceCollectionExtensions.UseDrainOnDeployment), nameof(EcsApiServiceCollectionExtensions.UseEcsApi)];

    [Theory]
    [MemberData(nameof(Registrations))]
    public async Task A_deployment_during_a_job_refuses_new_work_lets_the_job_end_protected_and_releases_at_once(string registration)
    {
        // With only the package referenced the core finds the check by name; UseDrainOnDeployment() registers it directly
        // (the agent still protects), and so does UseEcsApi() (the API protects).
        Action<IServiceCollection>? register = registration switch
        {
            nameof(EcsApiServiceCollectionExtensions.UseDrainOnDeployment) => static s => s.UseDrainOnDeployment(),
            nameof(EcsApiServiceCollectionExtensions.UseEcsApi) => static s => s.UseEcsApi(),
            _ => null,
        };
        await using DeployedTask task = await DeployedTask.StartAsync(register: register);
        CriticalSession job = await task.Registry.EnterAsync("transcode").AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        DateTimeOffset protectedAt = DateTimeOffset.UtcNow;

        string deployment = task.Api.Model.StartDeployment(DeployedTask.Cluster, DeployedTask.Service, NewDefinition);

        Assert.True(await DeployedTask.EventuallyAsync(() => !task.Manager.Admission.IsAccepting), "the task never stopped taking work");
        CriticalSessionRefusedException refused = await Assert.ThrowsAsync<CriticalSessionRefusedException>(() => task.Registry.EnterAsync("next").AsTask());
        Assert.Equal(SessionRefusalReason.StoppedTakingWork, refused.Reason);
        Assert.Contains($"the service video is replacing this task: deployment {deployment} (video:2) is PRIMARY since", refused.Message, StringComparison.Ordinal);
        Assert.True(task.Agent.Model.IsProtected);

        DateTimeOffset endedAt = DateTimeOffset.UtcNow;
        job.Dispose();
        Assert.True(await DeployedTask.EventuallyAsync(() => !task.Agent.Model.IsProtected), "protection was not released");

        // The job ran protected to its end; the release came at once, not a ReleaseDelay (5 s) later.
        UnprotectedInterval gap = Assert.Single(task.Agent.Model.UnprotectedIntervals(protectedAt));
        Assert.InRange(gap.From - endedAt, TimeSpan.Zero, TimeSpan.FromSeconds(2));

        // The agent applies the release before its answer reaches the loop, which then retires.
        Assert.True(await DeployedTask.EventuallyAsync(() => task.Manager.Mode == ProtectionMode.Retired), $"the manager is {task.Manager.Mode}, not retired");
        Assert.Empty(task.DrainLogs(LogLevel.Warning));
        Assert.Equal(registration == nameof(EcsApiServiceCollectionExtensions.UseEcsApi), task.Api.Model.Calls.Any(static c => c.Action == "UpdateTaskProtection"));
    }

    [Fact]
    public async Task A_forced_new_deployment_of_the_same_task_definition_replaces_the_task_too()
    {
        await using DeployedTask task = await DeployedTask.StartAsync();
        using CriticalSession job = await task.Registry.EnterAsync("transcode").AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        string deployment = task.Api.Model.StartDeployment(DeployedTask.Cluster, DeployedTask.Service);

        Assert.True(await DeployedTask.EventuallyAsync(() => !task.Manager.Admission.IsAccepting), "the task never stopped taking work");
        Assert.Contains($"deployment {deployment} (video:1) is PRIMARY", task.Manager.GetStatus().Admission.Why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rolled_back_deployment_makes_the_task_take_work_again()
    {
        await using DeployedTask task = await DeployedTask.StartAsync();
        using CriticalSession job = await task.Registry.EnterAsync("transcode").AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        task.Api.Model.StartDeployment(DeployedTask.Cluster, DeployedTask.Service, NewDefinition);
        Assert.True(await DeployedTask.EventuallyAsync(() => !task.Manager.Admission.IsAccepting), "the task never stopped taking work");

        task.Api.Model.RollBack(DeployedTask.Cluster, DeployedTask.Service);

        Assert.True(await DeployedTask.EventuallyAsync(() => task.Manager.Admission.IsAccepting), "the task never took work again");
        using CriticalSession next = await task.Registry.EnterAsync("next").AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains(task.DrainLogs(LogLevel.Information), static r => r.Id.Id == 1092);
    }

    [Fact]
    public async Task Without_permission_to_describe_it_warns_exactly_once_and_the_task_works_as_before()
    {
        await using DeployedTask task = await DeployedTask.StartAsync();
        task.Api.Model.FaultPolicy = static action => action.StartsWith("Describe", StringComparison.Ordinal) ? new EcsApiFault("AccessDeniedException") : null;
        using CriticalSession job = await task.Registry.EnterAsync("transcode").AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        task.Api.Model.StartDeployment(DeployedTask.Cluster, DeployedTask.Service, NewDefinition);

        Assert.True(await DeployedTask.EventuallyAsync(() => task.DrainLogs(LogLevel.Warning).Count > 0), "no warning");

        // Three more intervals: no second call, no second warning.
        Assert.False(await DeployedTask.EventuallyAsync(() => task.Api.Model.Calls.Count > 1, TimeSpan.FromSeconds(3)));
        FakeLogRecord warning = Assert.Single(task.DrainLogs(LogLevel.Warning));
        Assert.Equal(1093, warning.Id.Id);
        Assert.Contains("Allow it ecs:DescribeServices and ecs:DescribeTasks", warning.Message, StringComparison.Ordinal);
        using CriticalSession next = await task.Registry.EnterAsync("next").AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(task.Agent.Model.IsProtected);
    }

    [Fact]
    public async Task Throttled_checks_back_off_and_the_protection_calls_are_not_affected()
    {
        await using DeployedTask task = await DeployedTask.StartAsync();
        task.Api.Model.Enqueue(new EcsApiFault(), new EcsApiFault("ThrottlingException"), new EcsApiFault("ThrottlingException"));
        using CriticalSession job = await task.Registry.EnterAsync("transcode").AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        task.Api.Model.StartDeployment(DeployedTask.Cluster, DeployedTask.Service, NewDefinition);

        Assert.True(await DeployedTask.EventuallyAsync(() => !task.Manager.Admission.IsAccepting), "the task never stopped taking work");

        // DescribeTasks, then two throttled DescribeServices: each wait at least as long as the one before, at least 2 s after a throttle.
        DateTimeOffset[] at = [.. task.Describes().Select(static c => c.ReceivedAt)];
        Assert.Equal(3, at.Length);
        Assert.True(at[1] - at[0] >= TimeSpan.FromSeconds(0.9) && at[2] - at[1] >= TimeSpan.FromSeconds(1.9), string.Join(", ", at.Select(static a => a.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(2, task.DrainLogs(LogLevel.Debug).Count(static r => r.Id.Id == 1095));
        TaskProtectionStatus status = task.Manager.GetStatus();
        Assert.Equal(0, status.ConsecutiveFailures);
        Assert.Null(status.LastError);
        Assert.All(task.Agent.Model.Calls, static c => Assert.Equal(200, c.StatusCode));
    }

    [Fact]
    public async Task A_standalone_task_says_once_that_it_cannot_be_replaced_by_a_deployment_and_works_as_before()
    {
        await using DeployedTask task = await DeployedTask.StartAsync(serviceName: null);

        Assert.True(await DeployedTask.EventuallyAsync(() => task.DrainLogs(LogLevel.Warning).Count > 0), "no warning");

        FakeLogRecord warning = Assert.Single(task.DrainLogs(LogLevel.Warning));
        Assert.Equal(1094, warning.Id.Id);
        Assert.Contains("the task metadata names no service", warning.Message, StringComparison.Ordinal);
        using CriticalSession job = await task.Registry.EnterAsync("transcode").AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(task.Api.Model.Calls);
    }

    [Fact]
    public async Task Required_but_impossible_stops_the_start_saying_why()
    {
        await using DeployedTask task = await DeployedTask.StartAsync(new() { ["TaskProtection:DrainOnDeployment"] = "true" }, serviceName: null, start: false);

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => task.Host.StartAsync());

        Assert.Equal("TaskProtection:DrainOnDeployment is true, but it cannot work here: the task metadata names no service: this task was not started by a service, which is all a deployment replaces. Set it to false (or leave it unset: on where it can work).", error.Message);
    }

    [Fact]
    public async Task Off_it_never_calls_the_API()
    {
        await using DeployedTask task = await DeployedTask.StartAsync(new() { ["TaskProtection:DrainOnDeployment"] = "false" });
        using CriticalSession job = await task.Registry.EnterAsync("transcode").AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        task.Api.Model.StartDeployment(DeployedTask.Cluster, DeployedTask.Service, NewDefinition);

        Assert.False(await DeployedTask.EventuallyAsync(() => task.Api.Model.Calls.Count > 0, TimeSpan.FromSeconds(2.5)));
        Assert.True(task.Manager.Admission.IsAccepting);
        Assert.Empty(task.DrainLogs(LogLevel.Debug));
    }
}
