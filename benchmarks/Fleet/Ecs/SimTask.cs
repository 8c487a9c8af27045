using TaskProtection.Fleet.Designs;
using TaskProtection.Fleet.Engine;
using TaskProtection.Fleet.Work;
using TaskProtection.Testing;

namespace TaskProtection.Fleet.Ecs;

/// <summary>One ECS task of the service: its workers, its protection as ECS records it, and the design guarding it.</summary>
public sealed class SimTask
{
    public SimTask(int id, int revision, FleetClock fleet, int workers, TimeSpan launchedAt)
    {
        Id = id;
        Revision = revision;
        Clock = new TaskClock(fleet);
        Model = new ProtectionModel(Clock, $"arn:aws:ecs:us-east-1:123456789012:task/fleet/{id:x32}");
        Slots = new WorkerSlot[workers];
        for (int i = 0; i < workers; i++)
        {
            Slots[i] = new WorkerSlot(this, i);
        }

        LaunchedAt = launchedAt;
    }

    public int Id { get; }

    /// <summary>The deployment (task definition revision) it runs.</summary>
    public int Revision { get; }

    public TaskState State { get; set; }

    public TaskClock Clock { get; }

    /// <summary>ECS's record of the task's protection: what scale-in and deployments look at.</summary>
    public ProtectionModel Model { get; }

    public WorkerSlot[] Slots { get; }

    public ITaskGuard? Guard { get; set; }

    /// <summary>The agent's own rate limiter for this task.</summary>
    public TokenBucket? AgentLimiter { get; set; }

    public TimeSpan LaunchedAt { get; }

    public TimeSpan StoppedAt { get; set; }

    /// <summary>Set when SIGTERM came: the time ECS picked it.</summary>
    public TimeSpan? SigtermAt { get; set; }

    /// <summary>True once the design finished its own shutdown (drain and release), so the process may exit.</summary>
    public bool GuardExited { get; set; }

    /// <summary>Every run of a job body on this task, for the invariant check when the task is gone.</summary>
    public List<RunRecord> Runs { get; } = [];

    public bool IsLive => State is TaskState.Pending or TaskState.Running;

    public bool HasWork => Slots.Any(static s => s.State is SlotState.Admitting or SlotState.Running);

    /// <summary>The application was told protection is lost: every running body from now on knows.</summary>
    public void TellRunning(TimeSpan now)
    {
        foreach (WorkerSlot slot in Slots)
        {
            if (slot.State == SlotState.Running && slot.ToldAt is null)
            {
                slot.ToldAt = now;
            }
        }
    }
}
