namespace TaskProtection;

/// <summary>Consecutive failed calls of one kind and when the next attempt may start. A value with pure transitions.</summary>
/// <param name="Failures">Failed attempts since the last success.</param>
/// <param name="NextAttemptAt">When the next attempt may start; 0 when it may start at once.</param>
internal readonly record struct RetryBackoff(int Failures, long NextAttemptAt)
{
    /// <summary>No failure counted, no wait.</summary>
    public static RetryBackoff None => default;

    /// <summary>
    /// After a failure at <paramref name="now"/>: a retryable one is retried after a jittered, capped exponential delay (between
    /// half the cap and the cap, so never more than the validator budgeted); one that retrying cannot fix, after
    /// the policy's RefusedDelay, while sessions need it.
    /// </summary>
    /// <returns>The backoff after it, and the delay chosen.</returns>
    public (RetryBackoff Next, TimeSpan Delay) OnFailure(bool retryable, long now, RetryPolicy policy, double jitter, ManagerClock clock)
    {
        int failures = Failures + 1;
        TimeSpan delay;
        if (retryable)
        {
            TimeSpan cap = GapBudget.RetryDelayCap(policy.BaseDelay, policy.MaxDelay, failures);
            delay = cap / 2 + cap / 2 * Math.Clamp(jitter, 0, 1);
        }
        else
        {
            delay = policy.RefusedDelay;
        }

        return (new RetryBackoff(failures, now + clock.ToTicks(delay)), delay);
    }
}

/// <summary>The retry settings <see cref="RetryBackoff"/> applies.</summary>
/// <param name="BaseDelay">RetryBaseDelay: the first retry's cap; each further one doubles it.</param>
/// <param name="MaxDelay">RetryMaxDelay: the largest cap.</param>
/// <param name="RefusedDelay">After a failure retrying cannot fix: the watchdog's pace, CheckInterval.</param>
internal sealed record RetryPolicy(TimeSpan BaseDelay, TimeSpan MaxDelay, TimeSpan RefusedDelay)
{
    public static RetryPolicy From(TaskProtectionOptions options) => new(options.RetryBaseDelay, options.RetryMaxDelay, options.CheckInterval);
}
