namespace TaskProtection;

/// <summary>
/// The gap-free arithmetic. A renewal starts when the lease left equals the buffer B. With a per-call timeout d,
/// retry delays r₁…r_k (each at most its backoff cap), and every timer on the path late by up to J (SchedulingTolerance
/// plus 1 ms of timer resolution), the (k+1)-th attempt is answered by (k+1)·d + Σr + (2k+1)·J after the renewal was
/// due. It must be answered J before the lease ends, because the lapse watch (a timer too, so up to J late) fires
/// then to tell running sessions in time: the configuration survives k failures when (k+1)·d + Σr + (2k+2)·J ≤ B.
/// </summary>
internal static class GapBudget
{
    /// <summary>The agent accepts 1 to 2880 minutes.</summary>
    public const int MinExpiresInMinutes = 1;

    /// <summary>The agent accepts 1 to 2880 minutes.</summary>
    public const int MaxExpiresInMinutes = 2880;

    /// <summary>
    /// Timers work in whole milliseconds and the manager rounds its waits up, so every timer may fire up to this much
    /// later than asked on top of <see cref="TaskProtectionOptions.SchedulingTolerance"/>.
    /// </summary>
    public static readonly TimeSpan TimerResolution = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// How long after the manager gave up on a call (timed out, connection broken, or a 5xx such as the agent's 504
    /// RequestCanceled) that call may still take effect: the agent passes a request on to ECS with its own 4 s timeout,
    /// cancelled when our connection closes, and ECS applies what it received within that. One second more for ECS.
    /// </summary>
    public static readonly TimeSpan LateLandingWindow = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long after it was sent a call may still take effect: its timeout (itself a timer, so up to
    /// SchedulingTolerance + 1 ms late), then <see cref="LateLandingWindow"/>.
    /// </summary>
    public static TimeSpan MayLandWithin(TaskProtectionOptions options) =>
        options.RequestTimeout + options.SchedulingTolerance + TimerResolution + LateLandingWindow;

    /// <summary>Upper bound on how many failures we count; the answer saturates there.</summary>
    private const int MaxCountedFailures = 1000;

    /// <summary>Whole minutes, always rounded up so that the lease is never shorter than asked for.</summary>
    public static int ExpiresInMinutes(TimeSpan lease)
    {
        if (lease <= TimeSpan.Zero)
        {
            return 0;
        }

        double minutes = Math.Ceiling(lease.Ticks / (double)TimeSpan.TicksPerMinute);
        return minutes > int.MaxValue ? int.MaxValue : (int)minutes;
    }

    /// <summary>The cap on the delay before retry number <paramref name="retry"/> (1-based).</summary>
    public static TimeSpan RetryDelayCap(TimeSpan baseDelay, TimeSpan maxDelay, int retry)
    {
        if (retry <= 0 || baseDelay <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        int shift = Math.Min(retry - 1, 30);
        double ticks = baseDelay.Ticks * Math.Pow(2, shift);
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Time from the renewal due moment until the (k+1)-th attempt has surely been answered, plus the lapse watch's lateness: worst case.</summary>
    public static TimeSpan WorstCaseTime(TaskProtectionOptions options, int failures)
    {
        long ticks = (failures + 1L) * options.RequestTimeout.Ticks
                     + ((2L * failures) + 2) * (options.SchedulingTolerance + TimerResolution).Ticks;
        for (int retry = 1; retry <= failures; retry++)
        {
            ticks += RetryDelayCap(options.RetryBaseDelay, options.RetryMaxDelay, retry).Ticks;
        }

        return TimeSpan.FromTicks(ticks);
    }

    /// <summary>What surviving <paramref name="tolerated"/> consecutive failed renewals means, as a phrase: "survives 2 consecutive failed renewals".</summary>
    public static string DescribeTolerance(int tolerated) => tolerated switch
    {
        < 0 => "survives no failed renewal, and not even a renewal that succeeds at once fits in the buffer",
        0 => "survives no failed renewal",
        1 => "survives 1 failed renewal",
        _ => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"survives {tolerated} consecutive failed renewals"),
    };

    /// <summary>The largest k with <see cref="WorstCaseTime"/>(k) ≤ buffer; −1 when even k = 0 does not fit.</summary>
    public static int ToleratedFailures(TaskProtectionOptions options)
    {
        if (options.RequestTimeout <= TimeSpan.Zero || options.SchedulingTolerance < TimeSpan.Zero)
        {
            return -1;
        }

        int tolerated = -1;
        while (tolerated < MaxCountedFailures && WorstCaseTime(options, tolerated + 1) <= options.ProtectionBuffer)
        {
            tolerated++;
        }

        return tolerated;
    }
}
