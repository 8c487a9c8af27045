namespace TaskProtection;

/// <summary>One entry of the ECS API's <c>failures</c> list: a task the call could not act on.</summary>
public sealed class EcsApiFailure
{
    /// <summary>The task ARN (or cluster ARN) concerned.</summary>
    public string? Arn { get; init; }

    /// <summary>Why, for example <c>MISSING</c> or <c>TASK_NOT_VALID</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>More detail, when ECS gives it.</summary>
    public string? Detail { get; init; }
}
