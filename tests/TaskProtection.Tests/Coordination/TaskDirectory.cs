using System.Text.Json;

namespace TaskProtection.Tests.Coordination;

/// <summary>
/// A real coordination directory for the processes of a simulated task: the real file store, in a temporary directory on
/// tmpfs where there is one (its fsyncs are free there), with what tests do to it from outside: read the shared state,
/// corrupt it, kill a process (its descriptors close, and the kernel drops its locks, as when a process dies).
/// </summary>
internal sealed class TaskDirectory : IDisposable
{
    public TaskDirectory()
    {
        string root = Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();
        Path = Directory.CreateDirectory(System.IO.Path.Combine(root, "taskprotection-" + Guid.NewGuid().ToString("N"))).FullName;
    }

    public string Path { get; }

    /// <summary>The shared state as the last writer left it; empty when none was written yet.</summary>
    public SharedProtection State
    {
        get
        {
            string file = System.IO.Path.Combine(Path, FileCoordinationStore.StateName);
            byte[] bytes = File.Exists(file) ? File.ReadAllBytes(file) : [];
            return bytes.Length == 0 ? SharedProtection.Empty : JsonSerializer.Deserialize(bytes, SharedProtectionJson.Default.SharedProtection)!;
        }
    }

    /// <summary>A process joins: the real store, on the task's (simulated) clock.</summary>
    public FileCoordinationStore Join(TimeProvider time, TimeSpan landing) => FileCoordinationStore.Open(Path, time, landing);

    /// <summary>Damages the state file, as a crash mid-write or a stray editor would.</summary>
    public void Corrupt() => File.WriteAllText(System.IO.Path.Combine(Path, FileCoordinationStore.StateName), "{\"expiresAt\": 12");

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
