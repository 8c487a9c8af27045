using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Observability;

/// <summary>At the default level a person reads one line per acquire, renewal and release, and each problem at the level of what happened.</summary>
public sealed class LogLevelTests
{
    [Fact]
    public async Task Acquire_renewal_and_release_are_one_information_line_each()
    {
        var logger = new FakeLogger();
        await using var h = new Harness(new TaskProtectionOptions { ReleaseDelay = TimeSpan.Zero }, logger: logger);
        CriticalSession session = h.Entered();
        h.AdvanceTo(TimeSpan.FromSeconds(301));
        session.Dispose();
        h.Pump();

        int[] information = [.. logger.Collector.GetSnapshot().Where(r => r.Level >= LogLevel.Information).Select(r => r.Id.Id)];
        Assert.Equal([1002, 1010, 1011, 1012], information);
    }

    [Fact]
    public async Task Protection_never_confirmed_is_a_warning_not_a_critical_loss()
    {
        var logger = new FakeLogger();
        await using var h = new Harness(new TaskProtectionOptions { AcquireTimeout = TimeSpan.FromSeconds(5) }, logger: logger);
        h.Model.FaultPolicy = _ => new AgentFault(AgentFaultKind.NoResponse);

        Task<CriticalSession> entering = h.EnterAsync();
        h.Advance(TimeSpan.FromSeconds(6));
        using CriticalSession session = await entering;

        FakeLogRecord lost = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 1030);
        Assert.Equal(LogLevel.Warning, lost.Level);
        Assert.Contains("NotConfirmed", lost.Message, StringComparison.Ordinal);
        Assert.Contains("AcquireTimeout (5 s)", lost.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_first_enable_is_an_error_and_a_refused_renewal_a_critical_loss()
    {
        var acquire = new FakeLogger();
        await using (var h = new Harness(logger: acquire))
        {
            h.Model.Enqueue(AgentFaultKind.TaskNotValid);
            using CriticalSession session = await h.EnterAsync();
            Assert.Equal(LogLevel.Error, Assert.Single(acquire.Collector.GetSnapshot(), r => r.Id.Id == 1030).Level);
            Assert.Contains(acquire.Collector.GetSnapshot(), r => r.Id.Id == 1025 && r.Message.StartsWith("Acquiring protection was refused by ECS", StringComparison.Ordinal));
        }

        var renewal = new FakeLogger();
        await using (var h = new Harness(logger: renewal))
        {
            using CriticalSession session = h.Entered();
            h.Model.Enqueue(AgentFaultKind.DeploymentBlocked);
            h.AdvanceTo(TimeSpan.FromSeconds(301));
            Assert.Equal(LogLevel.Critical, Assert.Single(renewal.Collector.GetSnapshot(), r => r.Id.Id == 1030).Level);
        }
    }

    [Fact]
    public async Task A_lapse_is_critical()
    {
        var logger = new FakeLogger();
        await using var h = new Harness(logger: logger);
        using CriticalSession session = h.Entered();
        h.Model.FaultPolicy = _ => new AgentFault(AgentFaultKind.ServerError);

        h.AdvanceTo(TimeSpan.FromSeconds(418));

        FakeLogRecord lost = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 1030);
        Assert.Equal(LogLevel.Critical, lost.Level);
        Assert.Contains("Lapsed", lost.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_release_on_stop_that_gets_no_answer_failed_and_was_not_refused()
    {
        var logger = new FakeLogger();
        var h = new Harness(logger: logger);
        h.Entered().Dispose();
        h.Model.FaultPolicy = _ => new AgentFault(AgentFaultKind.DropConnection);

        await h.StopAsync();

        FakeLogRecord failed = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 1023);
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.StartsWith("Releasing protection on stop failed, so the task stays protected until its lease runs out:", failed.Message, StringComparison.Ordinal);
    }
}
