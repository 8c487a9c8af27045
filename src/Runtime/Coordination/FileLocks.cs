using System.Runtime.InteropServices;

namespace TaskProtection;

/// <summary>
/// flock(2) and friends on raw descriptors. Raw, because .NET's FileStream takes flock locks of its own on Unix, which
/// would conflict with ours. The kernel drops a process's flock locks when it dies, however it dies: that is what lets a
/// killed holder stop counting at once, with no heartbeat to go stale.
/// </summary>
internal static partial class FileLocks
{
    private const int O_RDWR = 0x2;
    private const int O_CREAT = 0x40;
    private const int O_EXCL = 0x80;
    private const int O_CLOEXEC = 0x80000;
    private const int MacO_CREAT = 0x200;
    private const int MacO_EXCL = 0x800;
    private const int MacO_CLOEXEC = 0x1000000;
    private const int LOCK_SH = 1;
    private const int LOCK_EX = 2;
    private const int LOCK_NB = 4;
    private const int LOCK_UN = 8;
    private const int EINTR = 4;
    private const int EEXIST = 17;
    private const int EWOULDBLOCK_LINUX = 11;
    private const int EWOULDBLOCK_MAC = 35;

    /// <summary>Everyone may read and write the coordination files, whatever the umask: the task's containers may run as different users.</summary>
    public const int SharedMode = 0x1B6; // 0666

    /// <summary>
    /// Opens a file read-write, creating it when missing with mode 0666 whatever the umask; throws
    /// <see cref="UnauthorizedAccessException"/> or <see cref="IOException"/> naming the path and the cause.
    /// </summary>
    public static int OpenShared(string path)
    {
        bool mac = OperatingSystem.IsMacOS();
        int create = mac ? MacO_CREAT | MacO_EXCL : O_CREAT | O_EXCL;
        int cloexec = mac ? MacO_CLOEXEC : O_CLOEXEC;
        int fd = open(path, O_RDWR | create | cloexec, SharedMode);
        if (fd >= 0)
        {
            // Created here: the umask may have taken write access from the others.
            _ = fchmod(fd, SharedMode);
            return fd;
        }

        int error = Marshal.GetLastPInvokeError();
        if (error == EEXIST)
        {
            fd = open(path, O_RDWR | cloexec, 0);
            if (fd >= 0)
            {
                return fd;
            }

            error = Marshal.GetLastPInvokeError();
        }

        string why = Marshal.GetPInvokeErrorMessage(error);
        throw error == 13
            ? new UnauthorizedAccessException($"Cannot open '{path}' for reading and writing: {why}.")
            : new IOException($"Cannot open '{path}' for reading and writing: {why}.");
    }

    /// <summary>Takes an exclusive lock without waiting: true when taken, false when another descriptor holds one.</summary>
    public static bool TryLockExclusive(int fd, string path) => TryLock(fd, LOCK_EX, path);

    /// <summary>Takes a shared lock without waiting: true when taken, false when another descriptor holds an exclusive one.</summary>
    public static bool TryLockShared(int fd, string path) => TryLock(fd, LOCK_SH, path);

    /// <summary>Drops whatever lock the descriptor holds.</summary>
    public static void Unlock(int fd) => _ = flock(fd, LOCK_UN);

    /// <summary>Closes the descriptor, which drops its lock.</summary>
    public static void Close(int fd)
    {
        if (fd >= 0)
        {
            _ = close(fd);
        }
    }

    /// <summary>Whether the file the descriptor refers to was removed or replaced since it was opened (Linux; false elsewhere).</summary>
    public static bool IsUnlinked(int fd)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return File.ResolveLinkTarget($"/proc/self/fd/{fd}", returnFinalTarget: false)?.FullName.EndsWith(" (deleted)", StringComparison.Ordinal) == true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Reads the whole file the descriptor refers to.</summary>
    public static byte[] ReadAll(int fd)
    {
        using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: false);
        byte[] bytes = new byte[RandomAccess.GetLength(handle)];
        int read = 0;
        while (read < bytes.Length)
        {
            int n = RandomAccess.Read(handle, bytes.AsSpan(read), read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return read == bytes.Length ? bytes : bytes[..read];
    }

    /// <summary>Replaces the file's contents in place and waits until they are on disk.</summary>
    public static void WriteAll(int fd, string path, ReadOnlySpan<byte> bytes)
    {
        using (var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: false))
        {
            RandomAccess.Write(handle, bytes, 0);
        }

        if (ftruncate(fd, bytes.Length) != 0 || fsync(fd) != 0)
        {
            throw new IOException($"Cannot write '{path}': {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}.");
        }
    }

    /// <summary>This process's user id, for messages.</summary>
    public static uint UserId => getuid();

    private static bool TryLock(int fd, int kind, string path)
    {
        while (true)
        {
            if (flock(fd, kind | LOCK_NB) == 0)
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

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int flock(int fd, int operation);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fchmod(int fd, int mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ftruncate(int fd, long length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc")]
    private static partial uint getuid();
}
