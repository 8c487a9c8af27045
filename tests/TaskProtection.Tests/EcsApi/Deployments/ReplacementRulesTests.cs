namespace TaskProtection.Tests.EcsApi.Deployments;

/// <summary>
/// The decision, as a table: a task is being replaced exactly when another deployment of its service is PRIMARY (a new
/// task definition, or a forced new deployment of the same one) and that deployment can take over (it runs a task and
/// its rollout has not failed); never for a scale-out or a rollback.
/// </summary>
public sealed class ReplacementRulesTests
{
    private const string Ours = "ecs-svc/1111111111111111111";
    private const string New = "ecs-svc/2222222222222222222";
    private const string V1 = "arn:aws:ecs:us-east-1:123456789012:task-definition/video:1";
    private const string V2 = "arn:aws:ecs:us-east-1:123456789012:task-definition/video:2";
    private static readonly DateTimeOffset Deployed = new(2026, 3, 2, 10, 15, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, (TaskDeployment Task, DeploymentInfo[] Deployments, VerdictKind Expected)> Table = new()
    {
        ["steady state: one deployment, this task's"] = (new(Ours, V1), [Primary(Ours, V1, 4)], VerdictKind.Keep),
        ["scale-out: more tasks, still one deployment"] = (new(Ours, V1), [Primary(Ours, V1, 12)], VerdictKind.Keep),
        ["a deployment of a new task definition"] = (new(Ours, V1), [Primary(New, V2, 1), Active(Ours, V1)], VerdictKind.Replaced),
        ["a forced new deployment of the same task definition"] = (new(Ours, V1), [Primary(New, V1, 3), Active(Ours, V1)], VerdictKind.Replaced),
        ["rolled back: this task's deployment is PRIMARY again"] = (new(Ours, V1), [Primary(Ours, V1, 4), Active(New, V2) with { RolloutState = "FAILED" }], VerdictKind.Keep),
        ["this task belongs to the new deployment"] = (new(New, V2), [Primary(New, V2, 1), Active(Ours, V1)], VerdictKind.Keep),
        ["the new deployment runs no task yet"] = (new(Ours, V1), [Primary(New, V2, 0), Active(Ours, V1)], VerdictKind.Keep),
        ["the new deployment failed without rollback"] = (new(Ours, V1), [Primary(New, V2, 1) with { RolloutState = "FAILED" }, Active(Ours, V1)], VerdictKind.Keep),
        ["no PRIMARY deployment (CODE_DEPLOY, EXTERNAL)"] = (new(Ours, V1), [], VerdictKind.Undecidable),
        ["started by something else: a new task definition still shows"] = (new(null, V1), [Primary(New, V2, 1), Active(Ours, V1)], VerdictKind.Replaced),
        ["started by something else: a forced deployment cannot be told"] = (new(null, V1), [Primary(New, V1, 1), Active(Ours, V1)], VerdictKind.Keep),
        ["nothing known about the task"] = (new(null, null), [Primary(New, V2, 1)], VerdictKind.Undecidable),
    };

    public static TheoryData<string> Situations() => [.. Table.Keys];

    [Theory]
    [MemberData(nameof(Situations))]
    public void Decides(string situation)
    {
        (TaskDeployment task, DeploymentInfo[] deployments, VerdictKind expected) = Table[situation];

        DeploymentVerdict verdict = ReplacementRules.Decide("video", task, deployments);

        Assert.True(expected == verdict.Kind, $"{situation}: {verdict.Kind} ({verdict.Why})");
    }

    [Fact]
    public void A_replacement_says_which_deployment_of_which_task_definition_is_PRIMARY_since_when()
    {
        DeploymentVerdict verdict = ReplacementRules.Decide("video", new(Ours, V1), [Primary(New, V2, 1), Active(Ours, V1)]);

        Assert.Equal($"the service video is replacing this task: deployment {New} (video:2) is PRIMARY since 2026-03-02 10:15:00Z", verdict.Why);
        Assert.Equal(New, verdict.Primary!.Id);
    }

    [Fact]
    public void A_task_started_by_a_deployment_reads_its_id_from_startedBy_and_nothing_else()
    {
        Assert.Equal(Ours, TaskDeployment.From(new TaskShape("arn:t", V1, Ours, "service:video", "RUNNING")).DeploymentId);
        Assert.Null(TaskDeployment.From(new TaskShape("arn:t", V1, "my-scheduler", "family:video", "RUNNING")).DeploymentId);
        Assert.Equal(Deployed, DeploymentInfo.From(new DeploymentShape(New, "PRIMARY", V2, 2, 2, Deployed.ToUnixTimeSeconds(), null, "IN_PROGRESS")).CreatedAt);
    }

    private static DeploymentInfo Primary(string id, string definition, int running) => new(id, "PRIMARY", definition, running, Deployed, "IN_PROGRESS");

    private static DeploymentInfo Active(string id, string definition) => new(id, "ACTIVE", definition, 4, Deployed.AddDays(-1), "COMPLETED");
}
