namespace TaskProtection.Tests.Infrastructure;

/// <summary>A clock whose timers can be broken: creating one throws while <see cref="Broken"/>, so that the loop's backoff fails and it dies.</summary>
internal sealed class BreakableTimeProvider(TimeProvider inner) : TimeProvider
{
    public bool Broken { get; set; }

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        Broken ? throw new InvalidOperationException("no timers left") : inner.CreateTimer(callback, state, dueTime, period);
}
