using System.Diagnostics.Metrics;

namespace TaskProtection.Tests.Infrastructure;

/// <summary>
/// A listener on the manager's agent-call counter that throws when armed: the "metrics listener that throws" the loop's
/// fault barrier says it survives. Armed for one measurement at a time, so that exactly one step of the loop faults.
/// </summary>
internal sealed class ThrowOnAgentCall : IDisposable
{
    private readonly MeterListener _listener = new();
    private int _armed;

    public ThrowOnAgentCall(IMeterFactory meters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == TaskProtectionDiagnostics.AgentCalls && meters.Create(TaskProtectionDiagnostics.MeterName) == instrument.Meter)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, _, _) =>
        {
            if (Interlocked.Exchange(ref _armed, 0) != 0)
            {
                throw new InvalidOperationException("listener bug");
            }
        });
        _listener.Start();
    }

    /// <summary>The next agent call's measurement throws.</summary>
    public void ArmOnce() => Volatile.Write(ref _armed, 1);

    public void Dispose() => _listener.Dispose();
}
