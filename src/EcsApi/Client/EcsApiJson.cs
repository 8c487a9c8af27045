using System.Text.Json.Serialization;

namespace TaskProtection;

// The few ECS API shapes TaskProtection needs (AWSSDK.ECS is not a dependency), in the JSON 1.1 protocol's camelCase.

internal sealed record UpdateTaskProtectionRequest(string Cluster, IReadOnlyList<string> Tasks, bool ProtectionEnabled, int? ExpiresInMinutes);

internal sealed record GetTaskProtectionRequest(string Cluster, IReadOnlyList<string> Tasks);

internal sealed record ListTasksRequest(string Cluster, string? ServiceName, int MaxResults, string? NextToken);

internal sealed record ProtectedTaskShape(string? TaskArn, bool ProtectionEnabled, double? ExpirationDate);

internal sealed record FailureShape(string? Arn, string? Reason, string? Detail);

internal sealed record TaskProtectionResponse(IReadOnlyList<ProtectedTaskShape>? ProtectedTasks, IReadOnlyList<FailureShape>? Failures);

internal sealed record ListTasksResponse(IReadOnlyList<string>? TaskArns, string? NextToken);

internal sealed record DescribeServicesRequest(string Cluster, IReadOnlyList<string> Services);

internal sealed record DescribeTasksRequest(string Cluster, IReadOnlyList<string> Tasks);

/// <summary>A service deployment; timestamps are epoch seconds, as JSON 1.1 writes them.</summary>
internal sealed record DeploymentShape(string? Id, string? Status, string? TaskDefinition, int? DesiredCount, int? RunningCount, double? CreatedAt, double? UpdatedAt, string? RolloutState);

internal sealed record ServiceShape(string? ServiceName, string? ServiceArn, string? Status, IReadOnlyList<DeploymentShape>? Deployments);

internal sealed record DescribeServicesResponse(IReadOnlyList<ServiceShape>? Services, IReadOnlyList<FailureShape>? Failures);

/// <summary>A task: <c>startedBy</c> is the deployment id (<c>ecs-svc/…</c>) for a task a service started; <c>group</c> is <c>service:NAME</c>.</summary>
internal sealed record TaskShape(string? TaskArn, string? TaskDefinitionArn, string? StartedBy, string? Group, string? LastStatus);

internal sealed record DescribeTasksResponse(IReadOnlyList<TaskShape>? Tasks, IReadOnlyList<FailureShape>? Failures);

/// <summary>
/// The error body of the JSON 1.1 protocol: <c>__type</c> or <c>code</c> (either may be <c>namespace#Name</c>, and
/// may carry a <c>:uri</c> suffix) and <c>message</c> (or <c>Message</c>). Only the top level counts: a nested
/// <c>__type</c> belongs to another shape.
/// </summary>
internal sealed record ErrorShape(
    [property: JsonPropertyName("__type")] string? Type,
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("Message")] string? UpperMessage);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(UpdateTaskProtectionRequest))]
[JsonSerializable(typeof(GetTaskProtectionRequest))]
[JsonSerializable(typeof(ListTasksRequest))]
[JsonSerializable(typeof(TaskProtectionResponse))]
[JsonSerializable(typeof(ListTasksResponse))]
[JsonSerializable(typeof(DescribeServicesRequest))]
[JsonSerializable(typeof(DescribeServicesResponse))]
[JsonSerializable(typeof(DescribeTasksRequest))]
[JsonSerializable(typeof(DescribeTasksResponse))]
[JsonSerializable(typeof(ErrorShape))]
internal sealed partial class EcsApiJsonContext : JsonSerializerContext;
