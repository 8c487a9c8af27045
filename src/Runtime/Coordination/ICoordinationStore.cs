namespace TaskProtection;

/// <summary>
/// Where the processes of one task meet: an exclusive call lock, the shared state, and which processes are holders
/// (have sessions). The file store is the real one; the in-memory store lets several managers share one in a test.
/// </summary>
internal interface ICoordinationStore : IDisposable
{
    /// <summary>Identifies this process among the task's: host name and process id.</summary>
    string Participant { get; }

    /// <summary>Raised (best effort, on any thread) when another process may have changed the shared state.</summary>
    event Action? Changed;

    /// <summary>Takes the call lock; it is held until the returned session is disposed.</summary>
    ValueTask<ICoordinationSession> LockAsync(CancellationToken cancellationToken);

    /// <summary>Reads the state without the lock (the file is replaced atomically): for noticing a force-disable.</summary>
    SharedProtection Peek();
}

/// <summary>The call lock held: read and write the state, and see and change who holds sessions.</summary>
internal interface ICoordinationSession : IDisposable
{
    /// <summary>The state; when it could not be read it is recovered from (see <see cref="Recovered"/>).</summary>
    SharedProtection Read();

    /// <summary>Whether the last <see cref="Read"/> found a corrupt state and assumed the worst instead.</summary>
    bool Recovered { get; }

    void Write(SharedProtection state);

    /// <summary>Marks this process a holder (idempotent): it has, or is about to have, sessions.</summary>
    void BecomeHolder();

    /// <summary>This process no longer holds sessions.</summary>
    void StopHolding();

    /// <summary>The holders alive now other than this process; a dead one's mark is cleared on the way.</summary>
    int OtherHolders();
}
