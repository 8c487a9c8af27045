using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace TaskProtection.Cli.Os;

/// <summary>
/// Takes over SIGTERM and SIGINT (the process is not terminated by them) and hands each one, as its POSIX number, to
/// whoever reads <see cref="ReadAsync"/>: run decides what a signal means for its command.
/// </summary>
internal sealed class SignalRelay : IDisposable
{
    private readonly Channel<int> _received = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true });
    private readonly PosixSignalRegistration[] _registrations;

    public SignalRelay()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => OnSignal(context, Posix.SIGTERM)),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, context => OnSignal(context, Posix.SIGINT)),
        ];
    }

    /// <summary>The next signal received, as its POSIX number.</summary>
    public Task<int> ReadAsync(CancellationToken cancellationToken = default) => _received.Reader.ReadAsync(cancellationToken).AsTask();

    public static string Name(int signal) => signal switch
    {
        Posix.SIGTERM => "SIGTERM",
        Posix.SIGINT => "SIGINT",
        Posix.SIGKILL => "SIGKILL",
        _ => "signal " + signal,
    };

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }

        _received.Writer.TryComplete();
    }

    private void OnSignal(PosixSignalContext context, int signal)
    {
        context.Cancel = true;
        _received.Writer.TryWrite(signal);
    }
}
