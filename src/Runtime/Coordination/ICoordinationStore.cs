namespace TaskProtection;

/// <summary>
/// Where the processes of one task meet: an exclusive call lock, the shared state, and one lock that every process with
/// sessions holds shared. Its operations touch the file system and may block on a hung one: callers run them off the loop.
/// </summary>
internal interface ICoordinationStore : IDisposable
{
    /// <summary>This process among the task's: host name, process id and a random id drawn at start (PID 1 is common).</summary>
    string Participant { get; }

    /// <summary>The clock the shared times are on.</summary>
    SharedClock Clock { get; }

    /// <summary>Takes the call lock; it is held until the returned session is disposed.</summary>
    ValueTask<ICoordinationSession> LockAsync(CancellationToken cancellationToken);

    /// <summary>This process no longer needs protection (idempotent); needs no call lock, since it only makes releasing possible.</summary>
    void StopHolding();
}

/// <summary>The call lock held: read and write the state, and see and change who holds sessions.</summary>
internal interface ICoordinationSession : IDisposable
{
    /// <summary>The state; when it could not be read (or was on another clock) it is recovered from: see <see cref="Recovered"/>.</summary>
    SharedProtection Read();

    /// <summary>Why the last <see cref="Read"/> could not trust the state and assumed the worst instead; null when it could.</summary>
    string? Recovered { get; }

    void Write(SharedProtection state);

    /// <summary>Marks this process a holder (idempotent): it has, or is about to have, sessions that need protection.</summary>
    void BecomeHolder();

    /// <summary>This process no longer needs protection.</summary>
    void StopHolding();

    /// <summary>Whether any other live process holds sessions; when that cannot be known, why (then assume one may).</summary>
    (bool Any, string? Unknown) OtherHolders();
}
