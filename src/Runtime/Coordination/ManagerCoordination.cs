using Microsoft.Extensions.Logging;

namespace TaskProtection;

/// <summary>
/// A manager's part in coordination: the backend that applies the rules over the store it shares with the task's other
/// processes, opened and checked at start-up, and its periodic look for force-disables made elsewhere.
/// </summary>
internal sealed class ManagerCoordination : IDisposable
{
    private readonly CoordinatedBackend _backend;
    private readonly ICoordinationStore _store;

    private ManagerCoordination(CoordinatedBackend backend, ICoordinationStore store)
    {
        _backend = backend;
        _store = store;
    }

    public CoordinationStatus Status => _backend.Status;

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
        string? directory = options.CoordinationDirectory;
        if (store is null && directory is null)
        {
            return backend;
        }

        ICoordinationStore shared = store ?? FileCoordinationStore.Open(directory!, time, GapBudget.MayLandWithin(options));
        if (directory is not null && CoordinationDirectory.NotSharedWarning(directory) is { } notShared)
        {
            Log.CoordinationWarning(logger, notShared);
        }

        if (!shared.Clock.IsMonotonic)
        {
            Log.CoordinationWarning(logger, "The kernel's boot id cannot be read here: the processes of the task share times on their wall clocks, which must agree within SchedulingTolerance.");
        }

        var coordinated = new CoordinatedBackend(backend, shared, directory ?? "(in memory)", options, time, logger, metrics, dispatcher.Io, wake);
        coordination = new ManagerCoordination(coordinated, shared);
        return coordinated;
    }

    /// <summary>Starts looking for force-disables made by other processes.</summary>
    public void Start() => _backend.Start();

    public void Dispose()
    {
        _backend.Dispose();
        _store.Dispose();
    }
}
