using System.Text.Json;

namespace TaskProtection;

/// <summary>
/// The coordination directory: <c>taskprotection.lock</c> (the call lock), <c>taskprotection.state.json</c> (the shared
/// state, replaced atomically) and <c>taskprotection.holders/</c> (one locked file per process that holds sessions).
/// </summary>
internal sealed class FileCoordinationStore : ICoordinationStore
{
    private const string LockName = "taskprotection.lock";
    private const string StateName = "taskprotection.state.json";
    private const string HoldersName = "taskprotection.holders";
    private static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(5);

    private readonly string _lockPath;
    private readonly string _statePath;
    private readonly string _holders;
    private readonly string _holderPath;
    private readonly TimeProvider _time;
    private readonly TimeSpan _landing;
    private readonly SemaphoreSlim _inProcess = new(1, 1);
    private readonly FileSystemWatcher? _watcher;
    private int _holderFd = -1;

    private FileCoordinationStore(string directory, TimeProvider time, TimeSpan landing)
    {
        _lockPath = Path.Combine(directory, LockName);
        _statePath = Path.Combine(directory, StateName);
        _holders = Path.Combine(directory, HoldersName);
        Participant = $"{Environment.MachineName}/{Environment.ProcessId}";
        _holderPath = Path.Combine(_holders, $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        _time = time;
        _landing = landing;
        _watcher = TryWatch(directory);
    }

    public string Participant { get; }

    public event Action? Changed;

    /// <summary>Opens the directory, or throws <see cref="TaskProtectionException"/> saying what to fix.</summary>
    /// <param name="directory">CoordinationDirectory.</param>
    /// <param name="time">The manager's clock.</param>
    /// <param name="landing">How long after a call was given up it may still land: a corrupt state assumes a release may.</param>
    public static FileCoordinationStore Open(string directory, TimeProvider time, TimeSpan landing)
    {
        const string Option = "TaskProtection:CoordinationDirectory";
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            throw new TaskProtectionException($"{Option} needs Linux or macOS (it locks files with flock); unset it on {Environment.OSVersion.Platform}.");
        }

        if (!Directory.Exists(directory))
        {
            throw new TaskProtectionException($"{Option} = '{directory}' does not exist. Mount the task volume there in every container that uses TaskProtection (or create the directory), or unset the option.");
        }

        try
        {
            Directory.CreateDirectory(Path.Combine(directory, HoldersName));
            string probe = Path.Combine(directory, $".taskprotection-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "probe");
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TaskProtectionException($"{Option} = '{directory}' is not writable by this process: {ex.Message} Give every container's user write access to the volume.", ex);
        }

        CheckLocksWork(directory);
        return new FileCoordinationStore(directory, time, landing);
    }

    public async ValueTask<ICoordinationSession> LockAsync(CancellationToken cancellationToken)
    {
        await _inProcess.WaitAsync(cancellationToken);
        int fd = -1;
        try
        {
            fd = FileLocks.Open(_lockPath);
            while (!FileLocks.TryLock(fd, _lockPath))
            {
                // Another process is calling the agent (a bounded call): wait for it, then read what it learned.
                await Task.Delay(LockPoll, _time, cancellationToken);
            }

            return new Session(this, fd);
        }
        catch
        {
            FileLocks.Close(fd);
            _inProcess.Release();
            throw;
        }
    }

    public SharedProtection Peek() => TryRead(out SharedProtection state) ? state : SharedProtection.Empty;

    public void Dispose()
    {
        _watcher?.Dispose();
        StopHolding();
        _inProcess.Dispose();
    }

    private static void CheckLocksWork(string directory)
    {
        string path = Path.Combine(directory, LockName);
        int first = -1;
        int second = -1;
        try
        {
            first = FileLocks.Open(path);
            second = FileLocks.Open(path);
            bool firstTaken = FileLocks.TryLock(first, path);
            bool secondTaken = FileLocks.TryLock(second, path);
            if (firstTaken && secondTaken)
            {
                throw new TaskProtectionException($"TaskProtection:CoordinationDirectory = '{directory}' is on a file system whose locks do not work (flock granted twice): use a local volume or EFS, not a file system without locking.");
            }
        }
        catch (IOException ex)
        {
            throw new TaskProtectionException($"TaskProtection:CoordinationDirectory = '{directory}' does not support file locks: {ex.Message}", ex);
        }
        finally
        {
            FileLocks.Close(second);
            FileLocks.Close(first);
        }
    }

    private FileSystemWatcher? TryWatch(string directory)
    {
        try
        {
            var watcher = new FileSystemWatcher(directory, StateName) { NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName };
            watcher.Changed += (_, _) => Changed?.Invoke();
            watcher.Renamed += (_, _) => Changed?.Invoke();
            watcher.Created += (_, _) => Changed?.Invoke();
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
        {
            // Without change events a force-disable elsewhere is noticed at the next check (CheckInterval).
            return null;
        }
    }

    private bool TryRead(out SharedProtection state)
    {
        try
        {
            if (!File.Exists(_statePath))
            {
                state = SharedProtection.Empty;
                return true;
            }

            state = JsonSerializer.Deserialize(File.ReadAllBytes(_statePath), SharedProtectionJson.Default.SharedProtection) ?? SharedProtection.Empty;
            return state.Pending is not null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or NotSupportedException)
        {
            state = SharedProtection.Empty;
            return false;
        }
    }

    private void WriteState(SharedProtection state)
    {
        string temporary = _holderPath + ".state.tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, state, SharedProtectionJson.Default.SharedProtection);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, _statePath, overwrite: true);
    }

    private void BecomeHolder()
    {
        if (_holderFd >= 0)
        {
            return;
        }

        int fd = FileLocks.Open(_holderPath);
        if (!FileLocks.TryLock(fd, _holderPath))
        {
            FileLocks.Close(fd);
            throw new IOException($"Cannot lock this process's holder file '{_holderPath}'.");
        }

        _holderFd = fd;
    }

    private void StopHolding()
    {
        if (_holderFd < 0)
        {
            return;
        }

        File.Delete(_holderPath);
        FileLocks.Close(_holderFd);
        _holderFd = -1;
    }

    private int OtherHolders()
    {
        int alive = 0;
        foreach (string path in Directory.EnumerateFiles(_holders))
        {
            if (path == _holderPath || path.EndsWith(".tmp", StringComparison.Ordinal))
            {
                continue;
            }

            int fd = FileLocks.OpenExisting(path);
            if (fd < 0)
            {
                continue; // Gone meanwhile: it stopped holding.
            }

            if (FileLocks.TryLock(fd, path))
            {
                // Nobody holds it: its process stopped holding or died. Clear the mark (under the call lock, so no
                // process is creating its mark right now).
                File.Delete(path);
            }
            else
            {
                alive++;
            }

            FileLocks.Close(fd);
        }

        return alive;
    }

    private sealed class Session(FileCoordinationStore store, int fd) : ICoordinationSession
    {
        private bool _disposed;

        public bool Recovered { get; private set; }

        public SharedProtection Read()
        {
            Recovered = !store.TryRead(out SharedProtection state);
            if (!Recovered)
            {
                return state;
            }

            // Never trust a state that cannot be read: assume a release may still land, and know no expiry.
            DateTimeOffset now = store._time.GetUtcNow();
            return SharedProtection.Empty with { Pending = [new PendingCall(false, now, 0, now + store._landing)] };
        }

        public void Write(SharedProtection state) => store.WriteState(state);

        public void BecomeHolder() => store.BecomeHolder();

        public void StopHolding() => store.StopHolding();

        public int OtherHolders() => store.OtherHolders();

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            FileLocks.Close(fd);
            store._inProcess.Release();
        }
    }
}
