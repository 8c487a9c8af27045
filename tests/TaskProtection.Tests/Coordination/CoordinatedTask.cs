using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Coordination;

/// <summary>
/// Several processes of one task, each a manager with its own registry, sharing one simulated clock and scheduler, one
/// agent (the protection model) and one coordination board, as processes share a coordination directory.
/// </summary>
internal sealed class CoordinatedTask : IAsyncDisposable
{
    public CoordinatedTask(
        int processes,
        Func<int, TaskProtectionOptions>? options = null,
        Func<int, Func<DateTimeOffset, TimeSpan>?>? lateness = null)
    {
        var all = new List<Harness>();
        for (int i = 0; i < processes; i++)
        {
            TaskProtectionOptions own = options?.Invoke(i) ?? new TaskProtectionOptions();
            string participant = Participant(i);
            TimeSpan landing = GapBudget.MayLandWithin(own);
            all.Add(new Harness(
                own,
                lateness: lateness?.Invoke(i),
                sameTask: all.Count > 0 ? all[0] : null,
                coordination: clock => Board.Join(participant, landing, clock)));
        }

        Processes = all;
    }

    public CoordinationBoard Board { get; } = new();

    public IReadOnlyList<Harness> Processes { get; }

    public Harness this[int index] => Processes[index];

    public Testing.ProtectionModel Model => Processes[0].Model;

    public SimulatedClock Clock => Processes[0].Clock;

    public TimeSpan Elapsed => Processes[0].Elapsed;

    public static string Participant(int index) => $"process-{index}";

    public void AdvanceTo(TimeSpan sinceStart)
    {
        Processes[0].AdvanceTo(sinceStart);
        foreach (Harness process in Processes)
        {
            process.ThrowIfLoopFaulted();
        }
    }

    public void Advance(TimeSpan span) => AdvanceTo(Elapsed + span);

    public IReadOnlyList<Testing.AgentCall> Puts(bool? enabled = null) => Processes[0].Puts(enabled);

    public async ValueTask DisposeAsync()
    {
        foreach (Harness process in Processes)
        {
            await process.DisposeAsync();
        }
    }
}
