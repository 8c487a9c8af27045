using TaskProtection.Simulation;

namespace TaskProtection.Fleet.Engine;

/// <summary>
/// The one simulated clock of a fleet: a time provider whose timers, and the simulator's own events, wait in one
/// priority queue and run in due-time order on the thread that calls <see cref="RunUntil"/>. After each one, the
/// manual scheduler (where every manager's loop and every worker's continuation runs) is drained at that instant.
/// </summary>
/// <remarks>
/// FakeTimeProvider scans every timer at every step, which is fine for one task and too slow for a thousand; here a
/// step costs O(log n). A timer changed or disposed leaves its old entry in the queue, skipped by its version.
/// </remarks>
public sealed class FleetClock : TimeProvider
{
    /// <summary>Midnight of the simulated day.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    private readonly Lock _lock = new();
    private readonly PriorityQueue<Entry, (long Due, long Sequence)> _queue = new();
    private long _now;
    private long _sequence;

    internal FleetClock(ManualTaskScheduler scheduler)
    {
        Scheduler = scheduler;
    }

    internal ManualTaskScheduler Scheduler { get; }

    /// <summary>Simulated time since <see cref="Epoch"/>.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Volatile.Read(ref _now));

    /// <summary>Timers and events run so far: the simulation's work, for the scaling figures.</summary>
    public long Steps { get; private set; }

    public override DateTimeOffset GetUtcNow() => Epoch + Elapsed;

    public override long GetTimestamp() => Volatile.Read(ref _now);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FleetTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Runs <paramref name="action"/> at <paramref name="at"/> (since <see cref="Epoch"/>), or now if that passed.</summary>
    public void At(TimeSpan at, Action action) => Enqueue(new Entry(action), Math.Max(at.Ticks, _now));

    /// <summary>Runs <paramref name="action"/> after <paramref name="delay"/>.</summary>
    public void After(TimeSpan delay, Action action) => At(Elapsed + delay, action);

    /// <summary>Runs every timer and event due up to <paramref name="end"/>, in order, then stops at that instant.</summary>
    public void RunUntil(TimeSpan end)
    {
        Scheduler.RunUntilIdle();
        while (true)
        {
            Entry entry;
            lock (_lock)
            {
                if (!_queue.TryPeek(out entry!, out (long Due, long Sequence) key) || key.Due > end.Ticks)
                {
                    break;
                }

                _queue.Dequeue();
                if (key.Due > _now)
                {
                    Volatile.Write(ref _now, key.Due);
                }
            }

            Steps++;
            entry.Run();
            Scheduler.RunUntilIdle();
        }

        if (end.Ticks > _now)
        {
            Volatile.Write(ref _now, end.Ticks);
        }
    }

    private void Enqueue(Entry entry, long due)
    {
        lock (_lock)
        {
            _queue.Enqueue(entry, (due, _sequence++));
        }
    }

    private sealed class Entry
    {
        private readonly Action? _action;
        private readonly FleetTimer? _timer;
        private readonly long _version;

        public Entry(Action action) => _action = action;

        public Entry(FleetTimer timer, long version) => (_timer, _version) = (timer, version);

        public void Run()
        {
            if (_action is not null)
            {
                _action();
            }
            else
            {
                _timer!.Fire(_version);
            }
        }
    }

    private sealed class FleetTimer(FleetClock clock, TimerCallback callback, object? state) : ITimer
    {
        private long _version;
        private long _period = -1;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            long version = Interlocked.Increment(ref _version);
            if (version < 0)
            {
                return false;
            }

            _period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? -1 : period.Ticks;
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                clock.Enqueue(new Entry(this, version), clock._now + Math.Max(0, dueTime.Ticks));
            }

            return true;
        }

        public void Fire(long version)
        {
            if (Volatile.Read(ref _version) != version)
            {
                return;
            }

            if (_period > 0)
            {
                clock.Enqueue(new Entry(this, version), clock._now + _period);
            }

            callback(state);
        }

        public void Dispose() => Volatile.Write(ref _version, long.MinValue);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
