using TaskProtection.Fleet.Work;

namespace TaskProtection.Fleet.Ecs;

/// <summary>What one worker of a task is doing.</summary>
public enum SlotState
{
    Idle,

    /// <summary>Took a job; the design decides whether its body may start (waiting for protection, say).</summary>
    Admitting,

    Running,

    /// <summary>Refused a moment ago: waits before taking the next job, as a worker loop would.</summary>
    Resting,
}

/// <summary>One worker of a task.</summary>
public sealed class WorkerSlot(SimTask task, int index)
{
    public SimTask Task { get; } = task;

    public int Index { get; } = index;

    public SlotState State { get; set; }

    public Job? Job { get; set; }

    public TimeSpan RequestedAt { get; set; }

    public TimeSpan StartedAt { get; set; }

    public TimeSpan? ToldAt { get; set; }

    /// <summary>Bumped on every change of job, so that a completion scheduled for a killed run is ignored.</summary>
    public int Generation { get; set; }
}

/// <summary>One run of a job body: from its start to its end or its kill, and when it was told protection was lost.</summary>
public readonly record struct RunRecord(TimeSpan Start, TimeSpan End, TimeSpan? ToldAt, bool Killed);
