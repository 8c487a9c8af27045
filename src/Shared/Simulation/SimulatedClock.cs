using Microsoft.Extensions.Time.Testing;

namespace TaskProtection.Simulation;

/// <summary>
/// A FakeTimeProvider that moves from one timer's due time to the next (so that a callback, and every timer it
/// creates, sees the instant the timer was due, not the end of the jump) and pumps the manual scheduler after every
/// callback, so that work resumed by a timer runs at that instant.
/// </summary>
internal sealed class SimulatedClock : FakeTimeProvider
{
    private readonly Lock _lock = new();
    private readonly HashSet<TrackedTimer> _timers = [];

    // Real time a timer may stay due without firing before the simulation calls it a zero-delay loop.
    private static readonly TimeSpan StuckBound = TimeSpan.FromSeconds(2);

    // The thread inside AdvanceTo, or 0: timer callbacks run on it (or on the thread pumping the scheduler) only.
    private int _drivingThread;

    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public SimulatedClock(ManualTaskScheduler scheduler)
        : base(Epoch)
    {
        Scheduler = scheduler;
    }

    public ManualTaskScheduler Scheduler { get; }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new TrackedTimer(this, $"{callback.Method.DeclaringType?.Name}.{callback.Method.Name}({state?.GetType().Name})");
        ITimer inner = base.CreateTimer(
            s =>
            {
                if (!OnDrivingThread)
                {
                    // Due already when a pool thread set it (a cancellation callback, say): fire on the thread that
                    // drives the simulation, at its next pump, at this same instant, not concurrently with it.
                    Scheduler.Post(() => Fire(tracked, callback, s));
                    return;
                }

                Fire(tracked, callback, s);
            },
            state,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        tracked.Inner = inner;
        tracked.Change(dueTime, period);
        return tracked;
    }

    private bool OnDrivingThread =>
        Volatile.Read(ref _drivingThread) == Environment.CurrentManagedThreadId || Scheduler.IsPumpingHere;

    /// <summary>Advances to <paramref name="instant"/>, stopping at every timer's due time, and drains the scheduler.</summary>
    public void AdvanceTo(DateTimeOffset instant)
    {
        int outer = Interlocked.Exchange(ref _drivingThread, Environment.CurrentManagedThreadId);
        try
        {
            StepTo(instant);
        }
        finally
        {
            Volatile.Write(ref _drivingThread, outer);
        }
    }

    public void AdvanceBy(TimeSpan span) => AdvanceTo(GetUtcNow() + span);

    private void Fire(TrackedTimer tracked, TimerCallback callback, object? state)
    {
        tracked.OnFired();
        callback(state);
        Scheduler.RunUntilIdle();
    }

    private void StepTo(DateTimeOffset instant)
    {
        Scheduler.RunUntilIdle();
        DateTimeOffset? previous = null;
        int repeats = 0;
        var stuck = new System.Diagnostics.Stopwatch();
        while (true)
        {
            DateTimeOffset? next = NextDue();
            if (next is null || next > instant)
            {
                break;
            }

            repeats = next == previous ? repeats + 1 : 0;
            previous = next;
            if (repeats == 1)
            {
                stuck.Restart();
            }
            else if (repeats > 1)
            {
                // A pool thread may be setting a timer at this moment (and holds the fake clock's firing gate): let it.
                Thread.Yield();
            }

            if (repeats > 10_000 && stuck.Elapsed > StuckBound)
            {
                throw new InvalidOperationException($"Timers due at {next:O} keep firing without time moving: a zero-delay loop ({DueDescriptions(next.Value)}).");
            }

            if (next > GetUtcNow())
            {
                SetUtcNow(next.Value);
            }
            else
            {
                // Due now: nudge FakeTimeProvider to fire it without moving time.
                SetUtcNow(GetUtcNow());
            }

            Scheduler.RunUntilIdle();
        }

        if (instant > GetUtcNow())
        {
            SetUtcNow(instant);
        }

        Scheduler.RunUntilIdle();
    }

    private string DueDescriptions(DateTimeOffset due)
    {
        lock (_lock)
        {
            return string.Join(", ", _timers.Where(t => t.DueAt == due).Select(static t => t.Description));
        }
    }

    private DateTimeOffset? NextDue()
    {
        lock (_lock)
        {
            DateTimeOffset? next = null;
            foreach (TrackedTimer timer in _timers)
            {
                if (timer.DueAt is { } due && (next is null || due < next))
                {
                    next = due;
                }
            }

            return next;
        }
    }

    private sealed class TrackedTimer(SimulatedClock clock, string description) : ITimer
    {
        public string Description => description;

        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public ITimer Inner { get; set; } = null!;

        public DateTimeOffset? DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._lock)
            {
                _period = period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + dueTime;
                if (DueAt is null)
                {
                    clock._timers.Remove(this);
                }
                else
                {
                    clock._timers.Add(this);
                }
            }

            return Inner.Change(dueTime, period);
        }

        public void OnFired()
        {
            lock (clock._lock)
            {
                if (_period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero)
                {
                    DueAt = null;
                    clock._timers.Remove(this);
                }
                else
                {
                    DueAt = clock.GetUtcNow() + _period;
                }
            }
        }

        public void Dispose()
        {
            lock (clock._lock)
            {
                DueAt = null;
                clock._timers.Remove(this);
            }

            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>
/// The manager's view of the clock: the same time, but every timer fires late by what <paramref name="lateness"/>
/// says for the instant it was due (thread-pool starvation, GC pauses), up to SchedulingTolerance.
/// </summary>
internal sealed class LateTimeProvider(TimeProvider inner, Func<DateTimeOffset, TimeSpan> lateness) : TimeProvider
{
    public override long TimestampFrequency => inner.TimestampFrequency;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new LateTimer(inner.CreateTimer(callback, state, Late(dueTime), period), this);

    private TimeSpan Late(TimeSpan due) => due == Timeout.InfiniteTimeSpan ? due : due + lateness(inner.GetUtcNow() + due);

    private sealed class LateTimer(ITimer timer, LateTimeProvider owner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => timer.Change(owner.Late(dueTime), period);

        public void Dispose() => timer.Dispose();

        public ValueTask DisposeAsync() => timer.DisposeAsync();
    }
}
