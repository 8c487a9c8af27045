namespace TaskProtection.Tests.Infrastructure;

/// <summary>One clock for the registry and the manager; the next timestamp taken after arming runs an action after it is read.</summary>
internal sealed class StallingTimeProvider : TimeProvider
{
    public TimeProvider Inner { get; set; } = System;

    public Action? AfterNextTimestamp { get; set; }

    public override long TimestampFrequency => Inner.TimestampFrequency;

    public override long GetTimestamp()
    {
        long timestamp = Inner.GetTimestamp();
        if (AfterNextTimestamp is { } stall)
        {
            AfterNextTimestamp = null;
            stall();
        }

        return timestamp;
    }

    public override DateTimeOffset GetUtcNow() => Inner.GetUtcNow();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        Inner.CreateTimer(callback, state, dueTime, period);
}
