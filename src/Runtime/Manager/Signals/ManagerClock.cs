namespace TaskProtection;

/// <summary>
/// The manager's view of its <see cref="TimeProvider"/>: timestamps, and conversions between them and
/// <see cref="TimeSpan"/>. All of the manager's arithmetic is in timestamp units.
/// </summary>
internal sealed class ManagerClock(TimeProvider time)
{
    public TimeProvider Provider => time;

    public long Now => time.GetTimestamp();

    public DateTimeOffset UtcNow => time.GetUtcNow();

    public long ToTicks(TimeSpan span) => (long)(span.Ticks * (time.TimestampFrequency / (double)TimeSpan.TicksPerSecond));

    public TimeSpan ToSpan(long ticks) => TimeSpan.FromTicks((long)(ticks * (TimeSpan.TicksPerSecond / (double)time.TimestampFrequency)));

    /// <summary>The wall-clock time of <paramref name="timestamp"/>, given that <paramref name="now"/> is now.</summary>
    public DateTimeOffset ToUtc(long timestamp, long now, DateTimeOffset utcNow) => utcNow + ToSpan(timestamp - now);

    /// <summary>
    /// Timers work in whole milliseconds and truncate: a shorter or fractional wait would wake early and, with
    /// less than a millisecond left, not wait at all. Rounding up guarantees the deadline has passed on waking.
    /// </summary>
    public TimeSpan WholeMillisecondsUp(long ticks) => TimeSpan.FromMilliseconds(Math.Ceiling(ToSpan(ticks).TotalMilliseconds));
}
