using System.Runtime.InteropServices;

namespace TaskProtection;

/// <summary>
/// Listens for SIGTERM (what ECS sends) and SIGINT (Ctrl+C) and cancels their default action, so that the caller decides
/// when the process ends. Platforms without a signal simply do not report it.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];

    public StopSignals(Action<PosixSignal> onSignal)
    {
        foreach (PosixSignal signal in (PosixSignal[])[PosixSignal.SIGTERM, PosixSignal.SIGINT])
        {
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, context =>
                {
                    context.Cancel = true;
                    onSignal(context.Signal);
                }));
            }
            catch (PlatformNotSupportedException)
            {
                // Nothing to listen for here.
            }
        }
    }

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }
    }
}
