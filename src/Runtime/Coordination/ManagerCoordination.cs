using Microsoft.Extensions.Logging;

namespace TaskProtection;

/// <summary>
/// A manager's part in coordination: the backend that applies the rules, the store it shares with the task's other
/// processes, and a check every CheckInterval for a force-disable made elsewhere (change events may not arrive on
/// every file system).
/// </summary>
internal sealed class ManagerCoordination : IDisposable
{
    private readonly CoordinatedBackend _backend;
    private readonly ICoordinationStore _store;
    private ITimer? _poll;

    private ManagerCoordination(CoordinatedBackend backend, ICoordinationStore store)
    {
        _backend = backend;
        _store = store;
    }

    public CoordinationStatus Status => _backend.Status;

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
    /// The backend the loop calls: <paramref name="backend"/> itself without coordination, else the coordinated one over
    /// the directory (opened and checked here: a directory that cannot work fails now, saying what to fix) or over
    /// <paramref name="store"/> (tests).
    /// </summary>
    public static IProtectionBackend Wrap(
        IProtectionBackend backend,
        ICoordinationStore? store,
        TaskProtectionOptions options,
        TimeProvider time,
        ILogger logger,
        TaskProtectionMetrics metrics,
        LoopDispatcher dispatcher,
        Action wake,
        out ManagerCoordination? coordination)
    {
        coordination = null;
        if (store is null && options.CoordinationDirectory is null)
        {
            return backend;
        }

        ICoordinationStore shared = store ?? FileCoordinationStore.Open(options.CoordinationDirectory!, time, GapBudget.MayLandWithin(options));
        var coordinated = new CoordinatedBackend(backend, shared, options.CoordinationDirectory ?? "(in memory)", options, time, logger, metrics, dispatcher, wake);
        coordination = new ManagerCoordination(coordinated, shared);
        return coordinated;
    }

    /// <summary>Starts looking for force-disables made by other processes every <paramref name="every"/>.</summary>
    public void Start(TimeProvider time, TimeSpan every) =>
        _poll = time.CreateTimer(static s => ((CoordinatedBackend)s!).CheckForceDisable(), _backend, every, every);

    public void Dispose()
    {
        _poll?.Dispose();
        _backend.StopWatching();
        _store.Dispose();
    }
}
