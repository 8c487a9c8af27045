namespace TaskProtection;

/// <summary>Consecutive failed calls of one kind and when the next attempt may start. Loop only.</summary>
internal sealed class RetryBackoff(TaskProtectionOptions options, ManagerClock clock, Func<double> jitter)
{
    public int Failures { get; private set; }

    /// <summary>When the next attempt may start; 0 when it may start at once.</summary>
    public long NextAttemptAt { get; private set; }

    /// <summary>Counts a failure; a retryable one is retried after a jittered, capped exponential delay, returned here.</summary>
    public TimeSpan OnFailure(TaskProtectionCallException error, long now)
    {
        Failures++;
        TimeSpan delay;
        if (error.IsRetryable)
        {
            TimeSpan cap = GapBudget.RetryDelayCap(options.RetryBaseDelay, options.RetryMaxDelay, Failures);

            // Jitter between half the cap and the cap: spreads retries, and never exceeds what the validator budgeted.
            delay = cap / 2 + cap / 2 * Math.Clamp(jitter(), 0, 1);
        }
        else
        {
            // Retrying at once cannot help; try again at the watchdog's pace while sessions need it.
            delay = options.CheckInterval;
        }

        NextAttemptAt = now + clock.ToTicks(delay);
        return delay;
    }

    /// <summary>After a success, or once the task is idle: no failure counted, no wait.</summary>
    public void Reset()
    {
        Failures = 0;
        NextAttemptAt = 0;
    }
}
