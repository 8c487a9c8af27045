using System.Runtime.InteropServices;

namespace TaskProtection;

/// <summary>
/// flock(2) on raw descriptors. Raw, because .NET's FileStream takes flock locks of its own on Unix, which would
/// conflict with ours. The kernel drops a process's flock locks when it dies, however it dies: that is what lets a
/// killed holder stop counting at once, with no heartbeat to go stale.
/// </summary>
internal static partial class FileLocks
{
    private const int O_RDWR = 0x2;
    private const int O_CREAT = 0x40;
    private const int O_CLOEXEC = 0x80000;
    private const int MacO_CREAT = 0x200;
    private const int MacO_CLOEXEC = 0x1000000;
    private const int LOCK_EX = 2;
    private const int LOCK_NB = 4;
    private const int EINTR = 4;
    private const int EWOULDBLOCK_LINUX = 11;
    private const int EWOULDBLOCK_MAC = 35;

    /// <summary>Opens (creating it) a file for locking; throws <see cref="IOException"/> naming the path.</summary>
    public static int Open(string path)
    {
        int flags = OperatingSystem.IsMacOS() ? O_RDWR | MacO_CREAT | MacO_CLOEXEC : O_RDWR | O_CREAT | O_CLOEXEC;
        int fd = open(path, flags, Convert.ToInt32("666", 8));
        return fd >= 0 ? fd : throw new IOException($"Cannot open '{path}': {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}.");
    }

    /// <summary>Opens an existing file for locking; -1 when it is gone.</summary>
    public static int OpenExisting(string path)
    {
        int flags = OperatingSystem.IsMacOS() ? O_RDWR | MacO_CLOEXEC : O_RDWR | O_CLOEXEC;
        return open(path, flags, 0);
    }

    /// <summary>Takes an exclusive lock without waiting: true when taken, false when another descriptor holds one.</summary>
    public static bool TryLock(int fd, string path)
    {
        while (true)
        {
            if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            {
                return true;
            }

            int error = Marshal.GetLastPInvokeError();
            if (error is EWOULDBLOCK_LINUX or EWOULDBLOCK_MAC)
            {
                return false;
            }

            if (error != EINTR)
            {
                throw new IOException($"Cannot lock '{path}' (flock): {Marshal.GetPInvokeErrorMessage(error)}.");
            }
        }
    }

    /// <summary>Closes the descriptor, which drops its lock.</summary>
    public static void Close(int fd)
    {
        if (fd >= 0)
        {
            _ = close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int flock(int fd, int operation);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
