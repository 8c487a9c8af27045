using static TaskProtection.Tests.Manager.LoopRules.LoopTables;

namespace TaskProtection.Tests.Manager.LoopRules;

/// <summary>Retry delays as rows: defaults RetryBaseDelay 1 s, RetryMaxDelay 10 s, CheckInterval 60 s.</summary>
public sealed class RetryBackoffTests
{
    private static readonly RetryPolicy Policy = RetryPolicy.From(Defaults);

    [Theory]
    [InlineData("Retryable", 1, 0.0, 0.5)] // half the 1 s cap at the least jitter
    [InlineData("Retryable", 1, 1.0, 1)]
    [InlineData("Retryable", 2, 0.5, 1.5)] // cap 2 s
    [InlineData("Retryable", 4, 1.0, 8)]
    [InlineData("Retryable", 6, 1.0, 10)] // capped at RetryMaxDelay
    [InlineData("Blocked", 1, 0.5, 11.25)] // DEPLOYMENT_BLOCKED: 15 s cap, doubling
    [InlineData("Blocked", 3, 0.5, 45)]
    [InlineData("Blocked", 9, 1.0, 300)] // at most 5 minutes
    [InlineData("Refused", 1, 0.0, 60)] // a refusal: CheckInterval, no jitter
    [InlineData("Refused", 5, 1.0, 60)]
    public void The_next_attempt_waits_by_kind_and_count(string failure, int nth, double jitter, double seconds)
    {
        var backoff = new RetryBackoff(nth - 1, 0);

        (RetryBackoff next, TimeSpan delay) = backoff.OnFailure(Enum.Parse<CallFailure>(failure), S(100), Policy, jitter, Clock);

        Assert.Equal(seconds, delay.TotalSeconds, precision: 6);
        Assert.Equal(nth, next.Failures);
        Assert.Equal(100 + seconds, Seconds(next.NextAttemptAt), precision: 6);
    }

    [Theory]
    [InlineData(true, null, "Retryable")]
    [InlineData(false, "DEPLOYMENT_BLOCKED", "Blocked")]
    [InlineData(false, "TASK_NOT_VALID", "Refused")]
    [InlineData(false, "AccessDeniedException", "Refused")]
    public void Failures_are_classified_for_retrying(bool retryable, string? code, string expected) =>
        Assert.Equal(Enum.Parse<CallFailure>(expected), new TaskProtectionCallException(CallFailureKind.Failure, retryable, "test", 200, code).Classify());
}
