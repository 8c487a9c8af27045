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
[JsonSerializable(typeof(ErrorShape))]
internal sealed partial class EcsApiJsonContext : JsonSerializerContext;
