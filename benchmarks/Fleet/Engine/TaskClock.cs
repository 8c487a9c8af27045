namespace TaskProtection.Fleet.Engine;

/// <summary>
/// One task's view of the fleet clock. When the task is killed its timers stop firing, so that nothing of a dead task
/// (its manager's loop, a call in flight) runs on.
/// </summary>
public sealed class TaskClock(FleetClock fleet) : TimeProvider
{
    private bool _killed;

    public override DateTimeOffset GetUtcNow() => fleet.GetUtcNow();

    public override long GetTimestamp() => fleet.GetTimestamp();

    public override long TimestampFrequency => fleet.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        fleet.CreateTimer(
            s =>
            {
                if (!_killed)
                {
                    callback(s);
                }
            },
            state,
            dueTime,
            period);

    /// <summary>SIGKILL: from now on no timer of this task fires.</summary>
    public void Kill() => _killed = true;
}
