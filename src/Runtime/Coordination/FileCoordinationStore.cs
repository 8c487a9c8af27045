using System.Text.Json;

namespace TaskProtection;

/// <summary>
/// The coordination directory: <c>taskprotection.lock</c> (the call lock, exclusive), <c>taskprotection.holders</c> (held
/// shared by every process with sessions; a process that would release tests it exclusively: the kernel drops a dead
/// process's lock, and any doubt counts as a holder) and <c>taskprotection.state</c> (the shared state, rewritten in place
/// under the call lock). Every file is created with mode 0666, so containers running as different users share them.
/// </summary>
internal sealed class FileCoordinationStore : ICoordinationStore
{
    public const string LockName = "taskprotection.lock";
    public const string HoldersName = "taskprotection.holders";
    public const string StateName = "taskprotection.state";
    private static readonly TimeSpan FirstLockPoll = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LongestLockPoll = TimeSpan.FromMilliseconds(200);

    private readonly CoordinationFile _lock;
    private readonly CoordinationFile _holders;
    private readonly CoordinationFile _state;
    private readonly TimeProvider _time;
    private readonly TimeSpan _landing;
    private readonly FairCallLock _inProcess = new();
    private bool _holding;

    private FileCoordinationStore(string directory, TimeProvider time, TimeSpan landing)
    {
        _lock = new CoordinationFile(Path.Combine(directory, LockName));
        _holders = new CoordinationFile(Path.Combine(directory, HoldersName));
        _state = new CoordinationFile(Path.Combine(directory, StateName));
        _time = time;
        _landing = landing;
        Clock = SharedClock.For(time);
        Participant = $"{Environment.MachineName}/{Environment.ProcessId}/{Random.Shared.Next():x8}";
    }

    public string Participant { get; }

    public SharedClock Clock { get; }

    /// <summary>Opens the directory and checks, as this process's user, that it can work; throws <see cref="TaskProtectionException"/> saying what to fix.</summary>
    /// <param name="directory">CoordinationDirectory.</param>
    /// <param name="time">The manager's clock.</param>
    /// <param name="landing">How long after a call was given up it may still land: an unreadable state assumes a release may.</param>
    public static FileCoordinationStore Open(string directory, TimeProvider time, TimeSpan landing)
    {
        CoordinationDirectory.CheckUsable(directory);
        var store = new FileCoordinationStore(directory, time, landing);
        try
        {
            _ = store._lock.Descriptor;
            _ = store._holders.Descriptor;
            _ = store._state.Descriptor;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            store.Dispose();
            throw CoordinationDirectory.CannotUse(directory, ex);
        }

        CoordinationDirectory.CheckLocksWork(directory, store._lock.Descriptor);
        return store;
    }

    public async ValueTask<ICoordinationSession> LockAsync(CancellationToken cancellationToken)
    {
        await _inProcess.WaitAsync(cancellationToken);
        try
        {
            // Another process is calling ECS (a bounded call): wait for it, then read what it learned. The look backs off,
            // since a call that hangs holds the lock up to RequestTimeout: a few hundred looks at most, not thousands.
            TimeSpan poll = FirstLockPoll;
            while (!FileLocks.TryLockExclusive(_lock.Descriptor, _lock.Path))
            {
                await Task.Delay(poll, _time, cancellationToken);
                poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, LongestLockPoll.Ticks));
            }

            return new Session(this);
        }
        catch
        {
            _inProcess.Release();
            throw;
        }
    }

    public void Dispose()
    {
        _holding = false;
        _holders.Dispose();
        _state.Dispose();
        _lock.Dispose();
    }

    private SharedProtection ReadState(out string? recovered)
    {
        try
        {
            byte[] bytes = FileLocks.ReadAll(_state.Descriptor);
            if (bytes.Length == 0)
            {
                recovered = null;
                return SharedProtection.Empty with { Clock = Clock.Id };
            }

            SharedProtection? state = JsonSerializer.Deserialize(bytes, SharedProtectionJson.Default.SharedProtection);
            recovered = state?.Pending is null ? "it is not a coordination state"
                : state.Clock != Clock.Id ? $"its times are on another clock ({state.Clock}, here {Clock.Id}): a process of another kernel wrote it, so the directory is shared beyond this task"
                : null;
            if (recovered is null)
            {
                return state!;
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            recovered = ex.Message;
        }

        // Never trust a state that cannot be read: assume a release may still land, and know no expiry.
        long now = Clock.Now;
        return SharedProtection.Empty with { Clock = Clock.Id, Pending = [new PendingCall(false, now, 0, now + Clock.Ticks(_landing))] };
    }

    private void WriteState(SharedProtection state) =>
        FileLocks.WriteAll(_state.Descriptor, _state.Path, JsonSerializer.SerializeToUtf8Bytes(state, SharedProtectionJson.Default.SharedProtection));

    private void BecomeHolder()
    {
        if (_holding && _holders.IsCurrent)
        {
            return;
        }

        // Under the call lock no process tests the holders exclusively, so a shared lock is granted at once.
        _holding = FileLocks.TryLockShared(_holders.Descriptor, _holders.Path)
            ? true
            : throw new IOException($"Cannot take a shared lock on '{_holders.Path}'.");
    }

    public void StopHolding()
    {
        if (_holding)
        {
            FileLocks.Unlock(_holders.Descriptor);
            _holding = false;
        }
    }

    private (bool Any, string? Unknown) OtherHolders()
    {
        try
        {
            // A holders file replaced since this process opened it: processes that held it may hold the old one still,
            // until they notice (every NoticeEvery). Test the old one too, through the descriptor still open on it.
            if (_holders.Replaced is { } old && !FileLocks.TryLockExclusive(old, _holders.Path))
            {
                StopHolding();
                return (true, $"'{_holders.Path}' was replaced, and a process still holds the file it replaced");
            }

            StopHolding();
            int fd = _holders.Descriptor;
            if (!FileLocks.TryLockExclusive(fd, _holders.Path))
            {
                return (true, null);
            }

            FileLocks.Unlock(fd);
            return (false, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (true, ex.Message);
        }
    }

    private sealed class Session(FileCoordinationStore store) : ICoordinationSession
    {
        private bool _disposed;

        public string? Recovered { get; private set; }

        public SharedProtection Read()
        {
            SharedProtection state = store.ReadState(out string? recovered);
            Recovered = recovered;
            return state;
        }

        public void Write(SharedProtection state) => store.WriteState(state);

        public void BecomeHolder() => store.BecomeHolder();

        public void StopHolding() => store.StopHolding();

        public (bool Any, string? Unknown) OtherHolders() => store.OtherHolders();

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            FileLocks.Unlock(store._lock.Descriptor);
            store._inProcess.Release();
        }
    }
}
