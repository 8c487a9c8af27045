namespace TaskProtection.Tests.Infrastructure;

/// <summary>
/// A clock whose timers can be broken: creating one throws while <see cref="Broken"/>, or for the next <see cref="FailNext"/>,
/// so that the loop's backoff fails and it dies.
/// </summary>
internal sealed class BreakableTimeProvider(TimeProvider inner) : TimeProvider
{
    public bool Broken { get; set; }

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    /// <summary>How many timers to create next fail (then they work again): enough to kill the loop and no more.</summary>
    public int FailNext { get; set; }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (Broken || FailNext > 0)
        {
            FailNext = Math.Max(0, FailNext - 1);
            throw new InvalidOperationException("no timers left");
        }

        return inner.CreateTimer(callback, state, dueTime, period);
    }
}
