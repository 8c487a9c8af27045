using System.Runtime.InteropServices;

namespace TaskProtection.Cli.Os;

/// <summary>The few libc calls .NET does not offer: sending a signal, becoming a subreaper, and reaping orphans.</summary>
internal static partial class Posix
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    private const int PR_SET_CHILD_SUBREAPER = 36;
    private const int P_ALL = 0;
    private const int WNOHANG = 1;
    private const int WEXITED = 4;
    private const int WNOWAIT = 0x01000000;

    // siginfo_t is 128 bytes on Linux; si_pid sits after si_signo, si_errno, si_code and the union's alignment.
    private const int SigInfoSize = 128;
    private static readonly int SigInfoPidOffset = IntPtr.Size == 8 ? 16 : 12;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the process is gone.</summary>
    public static bool Kill(int pid, int signal) => kill(pid, signal) == 0;

    /// <summary>
    /// Makes orphaned descendants (a job's background processes whose parent exited) this process's children, as
    /// they would be of PID 1, so that they can be reaped. Linux only; false elsewhere.
    /// </summary>
    public static bool TryBecomeSubreaper() => OperatingSystem.IsLinux() && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;

    /// <summary>The pid of an exited child that has not been reaped yet, without reaping it; 0 when there is none.</summary>
    public static unsafe int PeekExitedChild()
    {
        byte* info = stackalloc byte[SigInfoSize];
        new Span<byte>(info, SigInfoSize).Clear();
        if (waitid(P_ALL, 0, info, WEXITED | WNOHANG | WNOWAIT) != 0)
        {
            return 0; // ECHILD: no children at all.
        }

        return *(int*)(info + SigInfoPidOffset);
    }

    /// <summary>Reaps the exited child <paramref name="pid"/>; true when it was reaped.</summary>
    public static bool Reap(int pid) => waitpid(pid, out _, WNOHANG) == pid;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int waitid(int idtype, int id, byte* infop, int options);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int waitpid(int pid, out int status, int options);
}
