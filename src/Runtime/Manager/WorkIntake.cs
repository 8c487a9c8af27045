namespace TaskProtection;

/// <summary>
/// Whether the application (or the deployment check) asked the task to stop taking work: read lock-free by session
/// admission, which refuses new sessions at once, and by the loop, which drains and then releases.
/// </summary>
internal sealed class WorkIntake
{
    private string? _stoppedBecause;

    /// <summary>Why the task stopped taking work; null while it takes work.</summary>
    public string? StoppedBecause => Volatile.Read(ref _stoppedBecause);

    /// <summary>Stops taking work; true when this changed anything.</summary>
    public bool Stop(string reason) => Interlocked.Exchange(ref _stoppedBecause, reason) is null;

    /// <summary>Takes work again; true when this changed anything.</summary>
    public bool Resume() => Interlocked.Exchange(ref _stoppedBecause, null) is not null;
}
