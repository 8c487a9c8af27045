namespace TaskProtection;

/// <summary>Consecutive failed agent calls and when the next attempt may start. Loop only.</summary>
internal sealed class RetryBackoff(TaskProtectionOptions options, ManagerClock clock, Func<double> jitter)
{
    public int Failures { get; private set; }

    public long NextAttemptAt { get; private set; }

    public string? LastError { get; private set; }

    public long LastErrorAt { get; private set; }

    /// <summary>Counts a failure; a retryable one is retried after a jittered, capped exponential delay, returned here.</summary>
    public TimeSpan OnFailure(TaskProtectionAgentException error, long now)
    {
        Failures++;
        LastError = error.Message;
        LastErrorAt = now;
        if (!error.IsRetryable)
        {
            // Retrying at once cannot help; try again at the watchdog's pace while sessions need it.
            NextAttemptAt = now + clock.ToTicks(options.CheckInterval);
            return options.CheckInterval;
        }

        TimeSpan cap = GapBudget.RetryDelayCap(options.RetryBaseDelay, options.RetryMaxDelay, Failures);

        // Jitter between half the cap and the cap: spreads retries, and never exceeds what the validator budgeted.
        TimeSpan delay = cap / 2 + cap / 2 * Math.Clamp(jitter(), 0, 1);
        NextAttemptAt = now + clock.ToTicks(delay);
        return delay;
    }

    /// <summary>After a success: no failure counted, no wait, no error shown.</summary>
    public void Reset()
    {
        Failures = 0;
        NextAttemptAt = 0;
        LastError = null;
    }

    /// <summary>After the task went idle: the next attempt starts at once, but the last error stays visible.</summary>
    public void ForgetFailures()
    {
        Failures = 0;
        NextAttemptAt = 0;
    }
}
