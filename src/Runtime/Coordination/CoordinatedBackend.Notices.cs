namespace TaskProtection;

/// <summary>
/// Force-disables made by other processes of the task: read under the call lock with every call, and once every
/// NoticeEvery (CheckInterval, at most 5 s) by a check of its own (no file watcher: change events do not cross every file system). Each is handed
/// to the loop once, which tells its sessions; until it has, no enable goes out.
/// </summary>
internal sealed partial class CoordinatedBackend
{
    private readonly Action _wake;
    private readonly long _startedAt;
    private readonly Lock _noticeLock = new();
    private ForceDisableMark? _seenForceDisable;
    private ForceDisableMark? _untakenForceDisable;
    private ITimer? _poll;

    /// <summary>Starts looking, every <see cref="NoticeEvery"/>.</summary>
    public void Start() =>
        _poll = _time.CreateTimer(static s => ((CoordinatedBackend)s!).PostCheck(), this, _noticeEvery, _noticeEvery);

    public RemoteForceDisable? TakeRemoteForceDisable()
    {
        lock (_noticeLock)
        {
            if (_untakenForceDisable is not { } mark)
            {
                return null;
            }

            _untakenForceDisable = null;
            return new RemoteForceDisable(mark.By, mark.Reason);
        }
    }

    /// <summary>Whether another process's force-disable is news the loop has not taken yet: no enable may go out meanwhile.</summary>
    private bool ForceDisableUntaken
    {
        get
        {
            lock (_noticeLock)
            {
                return _untakenForceDisable is not null;
            }
        }
    }

    /// <summary>
    /// A mark read from the state: news when it is newer than the last seen, another process made it, and it was made
    /// since this process started (one made before is history, which a process starting now must not be told).
    /// </summary>
    private void Notice(ForceDisableMark? mark)
    {
        lock (_noticeLock)
        {
            if (mark is null || (_seenForceDisable is { } seen && mark.Epoch <= seen.Epoch))
            {
                return;
            }

            _seenForceDisable = mark;
            if (mark.By == _store.Participant || mark.At < _startedAt)
            {
                return;
            }

            _untakenForceDisable = mark;
        }

        _wake();
    }

    /// <summary>This process's own force-disable (or the mark its release carries): seen, and no news for it.</summary>
    private void MarkSeen(ForceDisableMark? mark)
    {
        lock (_noticeLock)
        {
            if (mark is not null && (_seenForceDisable is null || mark.Epoch > _seenForceDisable.Epoch))
            {
                _seenForceDisable = mark;
            }
        }
    }

    private void PostCheck() => _ = OnCoordinationThread(CheckAsync);

    /// <summary>Reads the state under the call lock, bounded like a call: a force-disable made elsewhere is noticed.</summary>
    private async Task<bool> CheckAsync()
    {
        try
        {
            using var bounded = new CancellationTokenSource(_requestTimeout, _time);
            using ICoordinationSession session = await _store.LockAsync(bounded.Token);
            if (_holder)
            {
                // Holding on the holders file now at its path, should it have been replaced (removed by hand, a cleanup).
                session.BecomeHolder();
            }

            Publish(ReadShared(session, _clock.Now));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            // The next check, or the next call, looks again (or the store was closed with its manager).
        }

        return true;
    }
}
