namespace TaskProtection.Integrations;

/// <summary>
/// Whether the task takes new work, as a job-framework integration needs it to pause its framework while the task refuses
/// new sessions (the drain before MaxProtectionDuration, the cool-down after it, StopTakingWork, shutdown): the
/// manager's admission and its changes, and the registry's shutdown. Compiled into each integration package.
/// </summary>
internal sealed class WorkAdmission
{
    private readonly TaskProtectionManager? _manager;

    /// <param name="registry">The registry the framework's sessions enter.</param>
    /// <param name="manager">Its manager, if the application has one; one attached to another registry is ignored.</param>
    public WorkAdmission(CriticalSessionRegistry registry, TaskProtectionManager? manager)
    {
        Registry = registry;
        _manager = manager is not null && ReferenceEquals(manager.Registry, registry) ? manager : null;
    }

    public CriticalSessionRegistry Registry { get; }

    /// <summary>
    /// Whether the framework should take no work now: the manager refuses new sessions, or shutdown was requested (the
    /// framework stops for good then, even when RefuseSessionsDuringShutdown is off).
    /// </summary>
    public bool IsRefusing => Registry.IsShutdownRequested || _manager is { Admission.IsAccepting: false };

    public bool IsShuttingDown => Registry.IsShutdownRequested;

    /// <summary>Why the task refuses work now, for the log.</summary>
    public string Why => _manager?.Admission.Why ?? "the task is shutting down";

    /// <summary>
    /// Whether work refused with <paramref name="refusal"/> can wait for the task to take work again: the refusal ends by
    /// itself (the drain before the cap, the cool-down, StopTakingWork) and the manager will say when. Shutdown does not end.
    /// </summary>
    public bool CanWaitOut(CriticalSessionRefusedException refusal) =>
        _manager is not null && refusal.Reason != SessionRefusalReason.ShuttingDown && !Registry.IsShutdownRequested;

    /// <summary>
    /// Calls <paramref name="changed"/> whenever admission may have changed: on the thread pool for the manager's
    /// changes, and on the thread that requests shutdown for that. Keep it short; it reads the state itself.
    /// </summary>
    /// <returns>Disposed to stop listening.</returns>
    public IDisposable Subscribe(Action changed)
    {
        EventHandler<AdmissionChangedEventArgs> handler = (_, _) => changed();
        if (_manager is not null)
        {
            _manager.AdmissionChanged += handler;
        }

        CancellationTokenRegistration shutdown = Registry.ShutdownRequested.Register(changed);
        return new Subscription(_manager, handler, shutdown);
    }

    /// <summary>Completes once the task takes new sessions again, or once shutdown is requested.</summary>
    public async Task WaitUntilAcceptingAsync(CancellationToken cancellationToken)
    {
        var accepting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using IDisposable subscription = Subscribe(() =>
        {
            if (!IsRefusing || IsShuttingDown)
            {
                accepting.TrySetResult();
            }
        });

        // Read after subscribing: a change in between is heard.
        if (!IsRefusing || IsShuttingDown)
        {
            return;
        }

        await accepting.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Enters a session for work the framework has already taken; while the task refuses for a while (not for good), the
    /// work waits, not started, until it takes work again, rather than being handed back as a failure.
    /// </summary>
    /// <param name="name">The session's name.</param>
    /// <param name="waiting">Told the refusal each time the work starts to wait, for the log.</param>
    /// <param name="cancellationToken">Cancels the wait and the entry.</param>
    public async Task<CriticalSession> EnterWaitingOutPausesAsync(string name, Action<CriticalSessionRefusedException> waiting, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await Registry.EnterAsync(name, cancellationToken).ConfigureAwait(false);
            }
            catch (CriticalSessionRefusedException refusal) when (CanWaitOut(refusal))
            {
                waiting(refusal);
                await WaitUntilAcceptingAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private sealed class Subscription(TaskProtectionManager? manager, EventHandler<AdmissionChangedEventArgs> handler, CancellationTokenRegistration shutdown) : IDisposable
    {
        public void Dispose()
        {
            if (manager is not null)
            {
                manager.AdmissionChanged -= handler;
            }

            shutdown.Dispose();
        }
    }
}
