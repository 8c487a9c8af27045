using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Coordination;

/// <summary>
/// Several processes of one task, each a manager with its own registry, sharing one simulated clock and scheduler, one
/// agent (the protection model) and one real coordination directory, as processes share a task volume. A process can be
/// killed: its store closes (the kernel drops its locks) and its calls never reach the agent again.
/// </summary>
internal sealed class CoordinatedTask : IAsyncDisposable
{
    private readonly List<FileCoordinationStore> _stores = [];
    private readonly List<KillableClient> _clients = [];

    public CoordinatedTask(
        int processes,
        Func<int, TaskProtectionOptions>? options = null,
        Func<int, Func<DateTimeOffset, TimeSpan>?>? lateness = null)
    {
        var all = new List<Harness>();
        for (int i = 0; i < processes; i++)
        {
            TaskProtectionOptions own = options?.Invoke(i) ?? new TaskProtectionOptions();
            TimeSpan landing = GapBudget.MayLandWithin(own);
            all.Add(new Harness(
                own,
                lateness: lateness?.Invoke(i),
                sameTask: all.Count > 0 ? all[0] : null,
                client: inner =>
                {
                    var killable = new KillableClient(inner);
                    _clients.Add(killable);
                    return killable;
                },
                coordination: clock =>
                {
                    FileCoordinationStore store = Directory.Join(clock, landing);
                    _stores.Add(store);
                    return store;
                }));
        }

        Processes = all;
    }

    /// <summary>The task volume.</summary>
    public TaskDirectory Directory { get; } = new();

    public IReadOnlyList<Harness> Processes { get; }

    public Harness this[int index] => Processes[index];

    public Testing.ProtectionModel Model => Processes[0].Model;

    public SimulatedClock Clock => Processes[0].Clock;

    public TimeSpan Elapsed => Processes[0].Elapsed;

    /// <summary>What the processes share now.</summary>
    public SharedProtection State => Directory.State;

    /// <summary>How process <paramref name="index"/> names itself to the others.</summary>
    public string Participant(int index) => _stores[index].Participant;

    /// <summary>SIGKILL: the process's descriptors close, so the kernel drops its locks, and it never calls the agent again.</summary>
    public void Kill(int index)
    {
        _clients[index].Kill();
        _stores[index].Dispose();
    }

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

        Directory.Dispose();
    }
}
