using Microsoft.Extensions.Logging.Testing;
using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>Failures, retries and what they report: each kind of call waits for its own backoff only, and says what happened.</summary>
public sealed class RetryTests
{
    [Fact]
    public async Task A_failing_release_does_not_slow_the_next_acquire()
    {
        await using var h = new Harness();
        CriticalSession first = h.Entered();
        h.Model.FaultPolicy = c => c.Body.Contains("false", StringComparison.Ordinal) ? new AgentFault(AgentFaultKind.Throttling) : null;
        first.Dispose();
        h.Pump();
        h.Advance(TimeSpan.FromSeconds(20));
        Assert.True(h.Manager.GetStatus().ConsecutiveFailures >= 4, "Releases are retried with a growing backoff.");

        Task<CriticalSession> next = h.EnterAsync("next");

        Assert.True(next.IsCompletedSuccessfully);
        Assert.Equal(0, h.Manager.GetStatus().ConsecutiveFailures);
        (await next).Dispose();
    }

    [Fact]
    public async Task Sessions_returning_after_an_idle_spell_do_not_log_a_late_renewal()
    {
        var logger = new FakeLogger();
        await using var h = new Harness(new TaskProtectionOptions { ReleaseDelay = TimeSpan.FromMinutes(4) }, logger: logger);
        CriticalSession first = h.Entered("first");
        h.AdvanceTo(TimeSpan.FromSeconds(250));
        first.Dispose();

        // Idle while the release delay runs: the renewal due at 300 s is not needed until this session comes.
        h.AdvanceTo(TimeSpan.FromSeconds(410));
        using CriticalSession second = h.Entered("second");

        Assert.Equal(2, h.Puts(enabled: true).Count);
        Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Id.Id == 1033);
        FakeLogRecord renewed = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 1011);
        Assert.Equal("Protection renewed for 7 min (on time).", renewed.Message);
    }

    [Fact]
    public async Task A_lapse_is_not_reported_as_a_refusal_to_sessions_that_fail_fast()
    {
        await using var h = new Harness(new TaskProtectionOptions { AcquireTimeoutBehavior = AcquireTimeoutBehavior.Throw });
        using CriticalSession session = h.Entered();
        h.Model.FaultPolicy = _ => new AgentFault(AgentFaultKind.ServerError);
        h.AdvanceTo(TimeSpan.FromSeconds(421));

        TaskProtectionException refused = await Assert.ThrowsAsync<TaskProtectionException>(() => h.EnterAsync("next"));

        Assert.DoesNotContain("ECS refused", refused.Message, StringComparison.Ordinal);
        Assert.Contains("the lease ends and no renewal was confirmed in time (last error: The ECS agent answered HTTP 500", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blocked_deployment_is_told_then_retried_on_a_slower_backoff_until_it_clears()
    {
        var logger = new FakeLogger();
        await using var h = new Harness(logger: logger);
        h.Model.Enqueue(AgentFaultKind.DeploymentBlocked, count: 3);
        using CriticalSession session = h.Registry.Enter("job");
        CancellationToken lost = h.Manager.ProtectionLostToken;
        h.Pump();

        Assert.True(lost.IsCancellationRequested, "The running session hears of the refusal at once.");
        Assert.Equal(ProtectionMode.Lost, h.Manager.Mode);

        // With the jitter at its middle, three quarters of each cap (15 s, 30 s, 60 s): retries at 11.25 s, 33.75 s and 78.75 s.
        // AWS's advice for DEPLOYMENT_BLOCKED is to wait and retry; seconds apart would only add load to a blocked fleet.
        (double At, int Calls)[] expected = [(11, 1), (12, 2), (33, 2), (34, 3), (78, 3), (79, 4)];
        foreach ((double at, int calls) in expected)
        {
            h.AdvanceTo(TimeSpan.FromSeconds(at));
            Assert.Equal(calls, h.Puts(enabled: true).Count);
        }

        Assert.Equal(4, h.Puts(enabled: true).Count);
        Assert.True(h.Model.IsProtected);
        Assert.Equal(ProtectionMode.Protected, h.Manager.Mode);
        Assert.False(h.Manager.ProtectionLostToken.IsCancellationRequested);
        FakeLogRecord[] blocked = [.. logger.Collector.GetSnapshot().Where(r => r.Id.Id == 1024)];
        Assert.Equal(3, blocked.Length);
        Assert.Contains("trying again in", blocked[0].Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Id.Id is 1021 or 1022 or 1025);
    }
}
