namespace TaskProtection;

/// <summary>
/// A manager's part in coordination: the client that applies the rules, the store it shares with the task's other
/// processes, and a check every CheckInterval for a force-disable made elsewhere (change events may not arrive on
/// every file system).
/// </summary>
internal sealed class ManagerCoordination : IDisposable
{
    private readonly CoordinatedClient _client;
    private readonly ICoordinationStore _store;
    private readonly ManagerContext _context;
    private ITimer? _poll;

    private ManagerCoordination(CoordinatedClient client, ICoordinationStore store, ManagerContext context)
    {
        _client = client;
        _store = store;
        _context = context;
    }

    public CoordinationStatus Status => _client.Status;

    /// <summary>
    /// The options a manager runs with: a copy, with the drain before the cap off when several processes share the
    /// task. They do not drain together: one process draining cannot make the task idle while the others keep
    /// protection, and its own cool-down would only refuse work. The cap works as without a drain.
    /// </summary>
    public static TaskProtectionOptions Effective(TaskProtectionOptions options, ICoordinationStore? store)
    {
        TaskProtectionOptions effective = options.Clone();
        if (store is not null || options.CoordinationDirectory is not null)
        {
            effective.MaxProtectionDrain = TimeSpan.Zero;
        }

        return effective;
    }

    /// <summary>
    /// The client the manager calls: <paramref name="client"/> itself without coordination, else the coordinated client
    /// over the directory (opened and checked here: a directory that cannot work fails now, saying what to fix) or over
    /// <paramref name="store"/> (tests).
    /// </summary>
    public static ITaskProtectionClient? Wrap(ITaskProtectionClient? client, ICoordinationStore? store, ManagerContext context, out ManagerCoordination? coordination)
    {
        TaskProtectionOptions options = context.Options;
        coordination = null;
        if (client is null || (store is null && options.CoordinationDirectory is null))
        {
            return client;
        }

        TimeSpan landing = GapBudget.MayLandWithin(options);
        ICoordinationStore shared = store ?? FileCoordinationStore.Open(options.CoordinationDirectory!, context.Clock.Provider, landing);
        var coordinated = new CoordinatedClient(client, shared, options.CoordinationDirectory ?? "(in memory)", options, context.Clock.Provider, context.Logger, context.Metrics, context.Dispatcher);
        coordination = new ManagerCoordination(coordinated, shared, context);
        context.Coordinated = true;
        return coordinated;
    }

    /// <summary>Starts listening for force-disables made by other processes.</summary>
    public void Start(Action<ForceDisableMark> onRemoteForceDisable)
    {
        _client.RemoteForceDisable += onRemoteForceDisable;
        TimeSpan every = _context.Options.CheckInterval;
        _poll = _context.Clock.Provider.CreateTimer(static s => ((CoordinatedClient)s!).CheckForceDisable(), _client, every, every);
    }

    /// <summary>
    /// Tells this process's running sessions of another process's force-disable now, not when the loop gets to it: the
    /// loop may be waiting for the call lock the other process holds while its disable goes out. The loop then does the
    /// rest, and finds the signal raised already.
    /// </summary>
    public void TellSessionsAtOnce(object sender, ForceDisableMark mark)
    {
        _context.Gate.Close(_context.Clock.Now);
        if (_context.RunningSessions > 0)
        {
            _context.Signal.TryRaise(sender, ProtectionLossReason.ForceDisabled, $"protection was force-disabled by another process of the task ({mark.By}): {mark.Reason}", null, _context.Registry.GetActiveSessions());
        }

        _context.Gate.Pulse();
    }

    public void Dispose()
    {
        _poll?.Dispose();
        _client.StopWatching();
        _store.Dispose();
    }
}
