namespace TaskProtection;

/// <summary>Consecutive failed calls of one kind and when the next attempt may start. A value with pure transitions.</summary>
/// <param name="Failures">Failed attempts since the last success.</param>
/// <param name="NextAttemptAt">When the next attempt may start; 0 when it may start at once.</param>
internal readonly record struct RetryBackoff(int Failures, long NextAttemptAt)
{
    /// <summary>No failure counted, no wait.</summary>
    public static RetryBackoff None => default;

    /// <summary>
    /// After a failure at <paramref name="now"/>, when the next attempt may go: a retryable failure after a jittered, capped
    /// exponential delay (between half the cap and the cap, so never more than the validator budgeted); a blocked
    /// deployment (<see cref="CallFailure.Blocked"/>) after a slower one of its own, as AWS advises to wait and retry; a
    /// refusal retrying cannot fix, after the policy's RefusedDelay, in case the cause (a permission, say) is fixed.
    /// </summary>
    /// <returns>The backoff after it, and the delay chosen.</returns>
    public (RetryBackoff Next, TimeSpan Delay) OnFailure(CallFailure failure, long now, RetryPolicy policy, double jitter, ManagerClock clock)
    {
        int failures = Failures + 1;
        TimeSpan cap = failure switch
        {
            CallFailure.Retryable => GapBudget.RetryDelayCap(policy.BaseDelay, policy.MaxDelay, failures),
            CallFailure.Blocked => GapBudget.RetryDelayCap(RetryPolicy.BlockedBaseDelay, RetryPolicy.BlockedMaxDelay, failures),
            _ => policy.RefusedDelay,
        };
        TimeSpan delay = failure == CallFailure.Refused ? cap : cap / 2 + cap / 2 * Math.Clamp(jitter, 0, 1);
        return (new RetryBackoff(failures, now + clock.ToTicks(delay)), delay);
    }
}

/// <summary>The retry settings <see cref="RetryBackoff"/> applies.</summary>
/// <param name="BaseDelay">RetryBaseDelay: the first retry's cap; each further one doubles it.</param>
/// <param name="MaxDelay">RetryMaxDelay: the largest cap.</param>
/// <param name="RefusedDelay">After a failure retrying cannot fix: the watchdog's pace, CheckInterval.</param>
internal sealed record RetryPolicy(TimeSpan BaseDelay, TimeSpan MaxDelay, TimeSpan RefusedDelay)
{
    /// <summary>
    /// The first retry after DEPLOYMENT_BLOCKED: the service's deployment waits for protected tasks, and unblocks as they
    /// finish, which takes minutes, not seconds.
    /// </summary>
    public static readonly TimeSpan BlockedBaseDelay = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The longest wait between retries after DEPLOYMENT_BLOCKED: a fleet blocked by one deployment then sends one call per
    /// task every 2.5 to 5 minutes, well under the account's UpdateTaskProtection rate even for 1,000 tasks.
    /// </summary>
    public static readonly TimeSpan BlockedMaxDelay = TimeSpan.FromMinutes(5);

    public static RetryPolicy From(TaskProtectionOptions options) => new(options.RetryBaseDelay, options.RetryMaxDelay, options.CheckInterval);
}

/// <summary>How a failed call is retried.</summary>
internal enum CallFailure
{
    /// <summary>Throttling, server errors, timeouts, broken connections: retried within seconds.</summary>
    Retryable,

    /// <summary>DEPLOYMENT_BLOCKED: ECS refused for now; the application is told, and the call retried on a slower backoff.</summary>
    Blocked,

    /// <summary>A refusal retrying cannot fix (TASK_NOT_VALID, access denied): the application is told; tried again at the watchdog's pace.</summary>
    Refused,
}
