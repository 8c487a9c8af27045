using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;
using D = TaskProtection.TaskProtectionDiagnostics;

namespace TaskProtection.Tests.Observability;

/// <summary>Every instrument of the "TaskProtection" meter, read with MetricCollector on a simulated clock.</summary>
public sealed class MetricsTests : IDisposable
{
    private static readonly TimeSpan Renewal = TimeSpan.FromSeconds(300);
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    public void Dispose() => _services.Dispose();

    private MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(Meters, D.MeterName, instrument);

    [Fact]
    public async Task Agent_calls_are_counted_and_timed_by_operation_and_outcome()
    {
        using MetricCollector<long> calls = Collect<long>(D.AgentCalls);
        using MetricCollector<double> durations = Collect<double>(D.AgentCallDuration);
        await using var h = new Harness(new TaskProtectionOptions { ReleaseDelay = TimeSpan.Zero }, meterFactory: Meters);
        h.Model.Enqueue(AgentFault.Latency(TimeSpan.FromMilliseconds(250)), new AgentFault(AgentFaultKind.Throttling));

        Task<CriticalSession> entering = h.EnterAsync("job");
        h.AdvanceTo(TimeSpan.FromSeconds(2));
        (await entering.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        h.AdvanceTo(TimeSpan.FromSeconds(3));

        string[] observed = calls.GetMeasurementSnapshot()
            .Select(m => $"{m.Tags[D.OperationTag]}:{m.Tags[D.OutcomeTag]}:{m.Value}")
            .ToArray();
        // The scripted faults apply to successive calls: a slow acquire, then a throttled release that is retried.
        Assert.Equal(["enable:success:1", "disable:throttled:1", "disable:success:1"], observed);
        Assert.Equal([0.25, 0, 0], durations.GetMeasurementSnapshot().Select(m => Math.Round(m.Value, 3)));
        Assert.Equal("throttled", durations.GetMeasurementSnapshot()[1].Tags[D.OutcomeTag]);
    }

    [Fact]
    public async Task Renewal_lateness_is_recorded_for_each_renewal()
    {
        using MetricCollector<double> lateness = Collect<double>(D.RenewalLateness);
        DateTimeOffset from = SimulatedClock.Epoch + TimeSpan.FromSeconds(299);
        DateTimeOffset to = SimulatedClock.Epoch + TimeSpan.FromSeconds(400);
        await using var h = new Harness(meterFactory: Meters, lateness: at => at >= from && at < to ? TimeSpan.FromMilliseconds(700) : TimeSpan.Zero);
        using CriticalSession session = h.Entered();

        h.AdvanceTo(Renewal + TimeSpan.FromSeconds(1));

        Assert.Equal(0.7, Assert.Single(lateness.GetMeasurementSnapshot()).Value, precision: 3);
    }

    [Fact]
    public async Task A_lapse_is_counted()
    {
        using MetricCollector<long> lapses = Collect<long>(D.Lapses);
        await using var h = new Harness(meterFactory: Meters);
        using CriticalSession session = h.Entered();
        h.Model.FaultPolicy = _ => new AgentFault(AgentFaultKind.ServerError);

        // Counted when it is reported: SchedulingTolerance + 1 ms before the lease's end at 420 s.
        h.AdvanceTo(TimeSpan.FromSeconds(417.9));
        Assert.Empty(lapses.GetMeasurementSnapshot());
        h.AdvanceTo(TimeSpan.FromSeconds(418));
        Assert.Equal(1, Assert.Single(lapses.GetMeasurementSnapshot()).Value);
        h.AdvanceTo(TimeSpan.FromSeconds(421));
        Assert.Single(lapses.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task Session_durations_carry_the_session_name()
    {
        using MetricCollector<double> durations = Collect<double>(D.SessionDuration);
        await using var h = new Harness(meterFactory: Meters);
        CriticalSession session = h.Entered("transcode");
        h.AdvanceTo(TimeSpan.FromSeconds(42));
        session.Dispose();

        CollectedMeasurement<double> measurement = Assert.Single(durations.GetMeasurementSnapshot());
        Assert.Equal(42, measurement.Value, precision: 3);
        Assert.Equal("transcode", measurement.Tags[D.SessionNameTag]);
    }

    [Fact]
    public async Task Abandoned_sessions_are_counted()
    {
        using MetricCollector<long> abandoned = Collect<long>(D.AbandonedSessions);
        await using var h = new Harness(meterFactory: Meters);
        using CriticalSession a = h.Entered("a");
        using CriticalSession b = h.Entered("b");
        using var giveUp = new CancellationTokenSource();
        Task<DrainResult> drain = h.Manager.DrainAsync(giveUp.Token);
        await giveUp.CancelAsync();
        await drain.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, Assert.Single(abandoned.GetMeasurementSnapshot()).Value);
    }

    [Fact]
    public async Task Gauges_show_active_sessions_protection_and_the_lease_left()
    {
        using MetricCollector<int> active = Collect<int>(D.ActiveSessions);
        using MetricCollector<int> enabled = Collect<int>(D.ProtectionEnabled);
        using MetricCollector<double> remaining = Collect<double>(D.LeaseRemaining);
        await using var h = new Harness(meterFactory: Meters);
        void RecordAll()
        {
            active.RecordObservableInstruments();
            enabled.RecordObservableInstruments();
            remaining.RecordObservableInstruments();
        }

        RecordAll();
        Assert.Equal(0, active.LastMeasurement!.Value);
        Assert.Equal(0, enabled.LastMeasurement!.Value);
        Assert.Equal(0, remaining.LastMeasurement!.Value);

        using CriticalSession session = h.Entered();
        h.AdvanceTo(TimeSpan.FromSeconds(60));
        RecordAll();
        Assert.Equal(1, active.LastMeasurement!.Value);
        Assert.Equal(1, enabled.LastMeasurement!.Value);
        Assert.Equal(TimeSpan.FromMinutes(7).TotalSeconds - 60, remaining.LastMeasurement!.Value, precision: 3);
    }

    [Fact]
    public async Task Two_managers_on_separate_meter_factories_do_not_see_each_other()
    {
        using var other = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using MetricCollector<double> mine = Collect<double>(D.SessionDuration);
        await using var h = new Harness(meterFactory: other.GetRequiredService<IMeterFactory>());
        h.Entered().Dispose();
        Assert.Empty(mine.GetMeasurementSnapshot());
    }
}
