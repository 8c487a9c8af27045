using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using TaskProtection.Cli.Os;

namespace TaskProtection.Cli.Run;

/// <summary>
/// Reaps the job's orphans: background processes whose parent exited are re-parented to PID 1 (or to this process,
/// which asks to be their subreaper), and stay zombies unless someone waits for them. The command's own process is
/// left to .NET, which waits for it to read its exit code: the reaper only peeks at it.
/// </summary>
internal sealed partial class OrphanReaper : IDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);
    private readonly int _commandPid;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly PosixSignalRegistration _childSignal;
    private readonly ITimer _sweeper;

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private OrphanReaper(int commandPid, ILogger logger)
    {
        _commandPid = commandPid;
        _logger = logger;
        // SIGCHLD says a child ended; the periodic sweep covers a signal that came while a sweep was running.
        _childSignal = PosixSignalRegistration.Create(PosixSignal.SIGCHLD, _ => Sweep());
        _sweeper = TimeProvider.System.CreateTimer(_ => Sweep(), null, SweepInterval, SweepInterval);
    }

    public int Reaped { get; private set; }

    /// <summary>Starts reaping when this process is PID 1 or could become a subreaper; null otherwise.</summary>
    public static OrphanReaper? StartIfNeeded(int commandPid, bool isSubreaper, ILogger logger) =>
        OperatingSystem.IsLinux() && (Environment.ProcessId == 1 || isSubreaper) ? new OrphanReaper(commandPid, logger) : null;

    public void Dispose()
    {
        _childSignal.Dispose();
        _sweeper.Dispose();
        Sweep();
    }

    private void Sweep()
    {
        lock (_lock)
        {
            // waitid(P_ALL) shows one exited child at a time; stop at the command's own, which .NET reaps.
            for (int pid = Posix.PeekExitedChild(); pid > 0 && pid != _commandPid; pid = Posix.PeekExitedChild())
            {
                if (!Posix.Reap(pid))
                {
                    return;
                }

                Reaped++;
                LogReaped(pid);
            }
        }
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Reaped orphaned process {Pid} left by the command.")]
    private partial void LogReaped(int pid);
}
