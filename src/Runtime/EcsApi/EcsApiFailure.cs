namespace TaskProtection;

/// <summary>One entry of the ECS API's <c>failures</c> list: a task the call could not act on.</summary>
/// <param name="Arn">The task ARN (or cluster ARN) concerned.</param>
/// <param name="Reason">Why, for example <c>MISSING</c> or <c>TASK_NOT_VALID</c>.</param>
/// <param name="Detail">More detail, when ECS gives it.</param>
public sealed record EcsApiFailure(string? Arn, string? Reason, string? Detail);
