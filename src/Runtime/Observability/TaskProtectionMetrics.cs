using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TaskProtection;

/// <summary>
/// The instruments of one manager, on a meter from the host's <see cref="IMeterFactory"/> when there is one (so tests and
/// hosts see only their own), else on a meter of its own. Recording allocates nothing when nobody listens.
/// </summary>
internal sealed class TaskProtectionMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _agentCalls;
    private readonly Histogram<double> _agentCallDuration;
    private readonly Histogram<double> _renewalLateness;
    private readonly Counter<long> _lapses;
    private readonly Histogram<double> _sessionDuration;
    private readonly Counter<long> _abandoned;
    private readonly Counter<long> _loopFaults;
    private readonly Counter<long> _caps;
    private readonly Counter<long> _releasesSkipped;
    private readonly Counter<long> _sharedRenewals;

    public TaskProtectionMetrics(IMeterFactory? meterFactory, Func<int> activeSessions, Func<bool> protectionEnabled, Func<double> leaseRemainingSeconds)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(new MeterOptions(TaskProtectionDiagnostics.MeterName)) ?? new Meter(TaskProtectionDiagnostics.MeterName);
        _meter.CreateObservableUpDownCounter(TaskProtectionDiagnostics.ActiveSessions, activeSessions, "{session}", "Critical sessions active now.");
        _meter.CreateObservableGauge(TaskProtectionDiagnostics.ProtectionEnabled, () => protectionEnabled() ? 1 : 0, "1", "1 while a confirmed lease protects the task, else 0.");
        _meter.CreateObservableGauge(TaskProtectionDiagnostics.LeaseRemaining, leaseRemainingSeconds, "s", "Time left on the confirmed lease; 0 without one.");
        _agentCalls = _meter.CreateCounter<long>(TaskProtectionDiagnostics.AgentCalls, "{call}", "Calls to the ECS agent's task-protection endpoint.");
        _agentCallDuration = _meter.CreateHistogram<double>(TaskProtectionDiagnostics.AgentCallDuration, "s", "Duration of calls to the ECS agent.");
        _renewalLateness = _meter.CreateHistogram<double>(TaskProtectionDiagnostics.RenewalLateness, "s", "How late renewals started after they were due.");
        _lapses = _meter.CreateCounter<long>(TaskProtectionDiagnostics.Lapses, "{lapse}", "Leases that ran out while sessions were active; must stay 0.");
        _sessionDuration = _meter.CreateHistogram<double>(TaskProtectionDiagnostics.SessionDuration, "s", "Duration of critical sessions.");
        _abandoned = _meter.CreateCounter<long>(TaskProtectionDiagnostics.AbandonedSessions, "{session}", "Sessions still running when a shutdown drain gave up.");
        _loopFaults = _meter.CreateCounter<long>(TaskProtectionDiagnostics.LoopFaults, "{fault}", "Unexpected errors the manager's loop survived.");
        _caps = _meter.CreateCounter<long>(TaskProtectionDiagnostics.Caps, "{cap}", "Times continuous protection reached MaxProtectionDuration while sessions ran.");
        _releasesSkipped = _meter.CreateCounter<long>(TaskProtectionDiagnostics.ReleasesSkipped, "{release}", "Releases not sent because another process of the task still held sessions (CoordinationDirectory).");
        _sharedRenewals = _meter.CreateCounter<long>(TaskProtectionDiagnostics.SharedRenewals, "{call}", "Acquires and renewals not sent because another process's lease already covered them (CoordinationDirectory).");
    }

    public void AgentCall(string operation, string outcome, TimeSpan duration)
    {
        var tags = new TagList
        {
            { TaskProtectionDiagnostics.OperationTag, operation },
            { TaskProtectionDiagnostics.OutcomeTag, outcome },
        };
        _agentCalls.Add(1, tags);
        _agentCallDuration.Record(duration.TotalSeconds, tags);
    }

    public void RenewalLate(TimeSpan lateness) => _renewalLateness.Record(lateness.TotalSeconds);

    public void Lapse() => _lapses.Add(1);

    /// <summary>Whether anyone listens to session durations: the registry skips the end timestamp otherwise.</summary>
    public bool SessionDurationsEnabled => _sessionDuration.Enabled;

    public void SessionEnded(string name, TimeSpan duration) =>
        _sessionDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>(TaskProtectionDiagnostics.SessionNameTag, name));

    public void Abandoned(int count) => _abandoned.Add(count);

    public void LoopFault() => _loopFaults.Add(1);

    public void ReleaseSkipped() => _releasesSkipped.Add(1);

    public void SharedRenewal() => _sharedRenewals.Add(1);

    public void Capped(int runningSessions)
    {
        if (runningSessions > 0)
        {
            _caps.Add(1);
        }
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
