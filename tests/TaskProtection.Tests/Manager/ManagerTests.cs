using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

public sealed class ManagerTests
{
    private static readonly TimeSpan Renewal = TimeSpan.FromSeconds(300);

    [Fact]
    public async Task Options_are_one_copy_that_changing_does_not_reach_the_manager()
    {
        var options = new TaskProtectionOptions();
        await using var h = new Harness(options);

        TaskProtectionOptions read = h.Manager.Options;
        read.CheckInterval = TimeSpan.FromSeconds(1);
        options.CheckInterval = TimeSpan.FromSeconds(2);

        Assert.Same(read, h.Manager.Options);
        Assert.Equal(TimeSpan.FromSeconds(120 - 60), h.Manager.GetStatus().GapSafetyMargin);
    }

    [Fact]
    public async Task EnterAsync_returns_only_after_the_agent_confirmed_protection()
    {
        await using var h = new Harness();
        h.Model.Enqueue(AgentFault.Latency(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));

        Task<CriticalSession> enter = h.EnterAsync();
        Assert.False(enter.IsCompleted);
        Assert.Equal(ProtectionMode.Acquiring, h.Manager.Mode);

        h.Advance(TimeSpan.FromSeconds(1.5));
        Assert.True(h.Model.IsProtected); // received, but the answer has not arrived yet
        Assert.False(enter.IsCompleted);

        h.Advance(TimeSpan.FromSeconds(0.5));
        Assert.True(enter.IsCompletedSuccessfully);
        AgentCall call = Assert.Single(h.Model.Calls);
        Assert.Equal("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":7}", call.Body);
        Assert.Equal(ProtectionMode.Protected, h.Manager.Mode);
        (await enter).Dispose();
    }

    [Fact]
    public async Task EnterAsync_completes_synchronously_when_protection_already_covers_it()
    {
        await using var h = new Harness();
        CriticalSession first = h.Entered();
        ValueTask<CriticalSession> second = h.Registry.EnterAsync("second");
        Assert.True(second.IsCompletedSuccessfully);
        second.Result.Dispose();
        first.Dispose();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EnterAsync_waits_once_coverage_has_closed_whichever_clock_the_registry_has(bool registryHasItsOwnClock)
    {
        // With a clock of its own (here one that never moves), the registry's timestamps mean nothing to the manager,
        // which must then read its own clock; on a shared clock it may use the session's start timestamp.
        CriticalSessionRegistry? registry = registryHasItsOwnClock
            ? new CriticalSessionRegistry(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(SimulatedClock.Epoch))
            : null;
        await using var h = new Harness(registry: registry);
        using CriticalSession first = h.Entered("first");
        h.Model.Enqueue(AgentFaultKind.Blackhole);

        // Coverage closes at 420 − 120 = 300 s, when the (blackholed) renewal is sent.
        h.AdvanceTo(Renewal + TimeSpan.FromSeconds(1));
        Task<CriticalSession> second = h.EnterAsync("second");
        Assert.False(second.IsCompleted);

        h.Advance(TimeSpan.FromSeconds(30));
        Assert.True(second.IsCompletedSuccessfully);
        (await second).Dispose();
    }

    [Fact]
    public async Task Renewal_is_sent_exactly_when_the_lease_left_reaches_the_buffer()
    {
        await using var h = new Harness();
        using CriticalSession session = h.Entered();

        h.AdvanceTo(Renewal - TimeSpan.FromMilliseconds(1));
        Assert.Single(h.Model.Calls);
        h.AdvanceTo(Renewal);
        Assert.Equal(2, h.Model.Calls.Count);
        Assert.Equal(h.Start + Renewal, h.Model.Calls[1].ReceivedAt);

        h.AdvanceTo(2 * Renewal);
        Assert.Equal(3, h.Model.Calls.Count);
        Assert.Equal(h.Start + 2 * Renewal, h.Model.Calls[2].ReceivedAt);
    }

    [Fact]
    public async Task Lease_is_measured_from_before_the_request_was_sent()
    {
        await using var h = new Harness();
        h.Model.Enqueue(AgentFault.Latency(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(4)));
        Task<CriticalSession> enter = h.EnterAsync();
        h.Advance(TimeSpan.FromSeconds(8));
        using CriticalSession session = await enter;

        // Sent at 0: the renewal is due at 0 + 420 − 120 = 300 s, not 308 s.
        h.AdvanceTo(Renewal);
        Assert.Equal(2, h.Model.Calls.Count);
        Assert.Equal(h.Start + Renewal, h.Model.Calls[1].ReceivedAt);
        TaskProtectionStatus status = h.Manager.GetStatus();
        Assert.Equal(TimeSpan.FromSeconds(420), status.TimeUntilExpiry);
    }

    [Fact]
    public async Task Protection_is_released_after_the_release_delay()
    {
        await using var h = new Harness();
        CriticalSession session = h.Entered();
        h.AdvanceTo(TimeSpan.FromSeconds(10));
        session.Dispose();
        h.Pump();

        h.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Empty(h.Puts(enabled: false));
        h.Advance(TimeSpan.FromSeconds(0.1));
        AgentCall release = Assert.Single(h.Puts(enabled: false));
        Assert.Equal("{\"ProtectionEnabled\":false}", release.Body);
        Assert.False(h.Model.IsProtected);
        Assert.Equal(ProtectionMode.Idle, h.Manager.Mode);
    }

    [Fact]
    public async Task Back_to_back_sessions_do_not_release_and_reacquire()
    {
        await using var h = new Harness();
        for (int job = 0; job < 20; job++)
        {
            CriticalSession session = h.Entered();
            h.Advance(TimeSpan.FromSeconds(50));
            session.Dispose();
            h.Pump();
            h.Advance(TimeSpan.FromSeconds(2));
        }

        // 20 jobs over 1040 s: one acquire and renewals at 300, 600, 900 s; no release between jobs.
        Assert.Empty(h.Puts(enabled: false));
        Assert.Equal(4, h.Puts(enabled: true).Count);
        h.Advance(TimeSpan.FromSeconds(10));
        Assert.Single(h.Puts(enabled: false));
    }

    [Fact]
    public async Task Fifty_concurrent_sessions_share_one_acquire()
    {
        await using var h = new Harness();
        h.Model.Enqueue(AgentFault.Latency(TimeSpan.FromSeconds(1)));
        var entering = Enumerable.Range(0, 50).Select(i => h.EnterAsync($"job-{i}")).ToList();
        Assert.All(entering, t => Assert.False(t.IsCompleted));
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.All(entering, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.Single(h.Model.Calls);
        Assert.Equal(50, h.Registry.ActiveCount);
        foreach (Task<CriticalSession> t in entering)
        {
            (await t).Dispose();
        }
    }

    [Fact]
    public async Task A_failed_renewal_is_retried_within_seconds()
    {
        await using var h = new Harness();
        using CriticalSession session = h.Entered();
        h.Model.Enqueue(AgentFaultKind.ServerError, 2);

        h.AdvanceTo(Renewal);
        Assert.Equal(2, h.Model.Calls.Count);
        Assert.Equal(1, h.Manager.GetStatus().ConsecutiveFailures);
        h.AdvanceTo(Renewal + TimeSpan.FromSeconds(1)); // cap 1 s, jitter 0.5 → 0.75 s
        Assert.Equal(3, h.Model.Calls.Count);
        h.AdvanceTo(Renewal + TimeSpan.FromSeconds(3)); // cap 2 s → 1.5 s
        Assert.Equal(4, h.Model.Calls.Count);
        Assert.Equal(0, h.Manager.GetStatus().ConsecutiveFailures);
        Assert.True(h.Model.IsProtected);
        Assert.Equal(ProtectionMode.Protected, h.Manager.Mode);
    }

    [Fact]
    public async Task A_timed_out_renewal_is_retried_and_the_lease_never_lapses()
    {
        await using var h = new Harness();
        using CriticalSession session = h.Entered();
        h.Model.Enqueue(AgentFaultKind.Blackhole, 5);

        h.AdvanceTo(Renewal + TimeSpan.FromSeconds(110));
        Assert.True(h.Model.IsProtected);
        Assert.Equal(0, h.Manager.GetStatus().Lapses);
        Assert.Equal(7, h.Model.Calls.Count(c => c.Fault == AgentFaultKind.None) + 5);
    }

    [Fact]
    public async Task Non_retryable_failure_raises_protection_lost()
    {
        await using var h = new Harness(new TaskProtectionOptions { AcquireTimeoutBehavior = AcquireTimeoutBehavior.Throw });
        using CriticalSession session = h.Entered();
        CancellationToken lostToken = h.Manager.ProtectionLostToken;
        ProtectionLostEventArgs? lost = null;
        h.Manager.ProtectionLost += (_, e) => lost = e;
        h.Model.Enqueue(AgentFaultKind.DeploymentBlocked);

        h.AdvanceTo(Renewal);
        Assert.NotNull(lost);
        Assert.Equal(ProtectionLossReason.Refused, lost.Reason);
        var error = Assert.IsType<TaskProtectionCallException>(lost.Error);
        Assert.Equal("DEPLOYMENT_BLOCKED", error.Code);
        Assert.Single(lost.ActiveSessions);
        Assert.True(lostToken.IsCancellationRequested);
        Assert.Equal(ProtectionMode.Lost, h.Manager.Mode);

        // New work fails fast instead of waiting for protection that ECS refuses.
        Task<CriticalSession> refused = h.EnterAsync("new-job");
        TaskProtectionException thrown = await Assert.ThrowsAsync<TaskProtectionException>(() => refused);
        Assert.Contains("DEPLOYMENT_BLOCKED", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(1, h.Registry.ActiveCount);

        // Retried at the watchdog pace; once ECS accepts again, protection and a fresh token come back.
        h.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(ProtectionMode.Protected, h.Manager.Mode);
        Assert.False(h.Manager.ProtectionLostToken.IsCancellationRequested);
    }

    [Fact]
    public async Task A_lapse_while_sessions_are_active_raises_protection_lost()
    {
        await using var h = new Harness();
        using CriticalSession session = h.Entered();
        h.Model.FaultPolicy = _ => new AgentFault(AgentFaultKind.ServerError);
        ProtectionLostEventArgs? lost = null;
        h.Manager.ProtectionLost += (_, e) => lost = e;

        // The lease ends at 420 s. The manager's own timer may be SchedulingTolerance late, so the lapse is reported
        // that much (plus 1 ms) before the end: the session is told while ECS still protects it.
        h.AdvanceTo(TimeSpan.FromSeconds(417.9));
        Assert.Null(lost);
        h.AdvanceTo(TimeSpan.FromSeconds(418));
        Assert.NotNull(lost);
        Assert.True(h.Model.IsProtected);
        Assert.True(h.Manager.ProtectionLostToken.IsCancellationRequested);
        Assert.Equal(ProtectionLossReason.Lapsed, lost.Reason);
        Assert.Equal(1, h.Manager.GetStatus().Lapses);
        Assert.Equal(ProtectionMode.Lost, h.Manager.Mode);
        h.AdvanceTo(TimeSpan.FromSeconds(421));
        Assert.False(h.Model.IsProtected);
        Assert.Equal(1, h.Manager.GetStatus().Lapses);
    }

    [Fact]
    public async Task A_lease_that_ends_while_a_new_session_still_waits_for_protection_is_not_a_lapse()
    {
        // Found by the gap simulation (seed 4KH1uzLCQfV1): idle during a long release delay, the lease runs down below
        // the buffer; a new session arrives, its first renewal fails, and the lease ends before the retry. Nothing ran
        // unprotected (the session was still waiting in EnterAsync), so nothing may be reported as lost.
        await using var h = new Harness(new TaskProtectionOptions { ReleaseDelay = TimeSpan.FromMinutes(4) });
        CriticalSession first = h.Entered("first");
        h.AdvanceTo(TimeSpan.FromSeconds(250));
        first.Dispose();
        h.AdvanceTo(TimeSpan.FromSeconds(410));
        ProtectionLostEventArgs? lost = null;
        h.Manager.ProtectionLost += (_, e) => lost = e;
        h.Model.Enqueue(AgentFaultKind.Blackhole);

        Task<CriticalSession> second = h.EnterAsync("second");
        Assert.False(second.IsCompleted);
        h.AdvanceTo(TimeSpan.FromSeconds(440));

        using CriticalSession covered = await second;
        Assert.Null(lost);
        Assert.Equal(0, h.Manager.GetStatus().Lapses);
        Assert.Equal(ProtectionMode.Protected, h.Manager.Mode);
        Assert.False(h.Manager.ProtectionLostToken.IsCancellationRequested);
    }

    [Fact]
    public async Task ForceDisable_disables_at_once_and_stops_renewals_until_a_new_session()
    {
        await using var h = new Harness();
        using CriticalSession session = h.Entered();
        Task disable = h.Manager.ForceDisableProtectionAsync("operator: roll back bad deploy");
        h.Pump();
        await disable.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(h.Model.IsProtected);
        Assert.Equal(ProtectionMode.ForceDisabled, h.Manager.Mode);

        h.AdvanceTo(TimeSpan.FromSeconds(900));
        Assert.Equal(2, h.Model.Calls.Count);

        Task<CriticalSession> next = h.EnterAsync("after");
        Assert.True(next.IsCompletedSuccessfully);
        Assert.True(h.Model.IsProtected);
        Assert.Equal(3, h.Model.Calls.Count);
    }

    [Fact]
    public async Task Unavailable_mode_tracks_sessions_and_calls_nothing()
    {
        await using var h = new Harness(withClient: false);
        ValueTask<CriticalSession> enter = h.Registry.EnterAsync("job");
        Assert.True(enter.IsCompletedSuccessfully);
        TaskProtectionStatus status = h.Manager.GetStatus();
        Assert.False(status.AgentAvailable);
        Assert.Equal(ProtectionMode.Unavailable, status.Mode);
        Assert.Equal("test: no agent", status.UnavailableReason);
        Assert.Equal(1, status.ActiveSessionCount);
        enter.Result.Dispose();
        Assert.Empty(h.Model.Calls);
    }

    [Fact]
    public async Task Acquire_timeout_proceeds_unprotected_by_default()
    {
        await using var h = new Harness();
        h.Model.FaultPolicy = _ => new AgentFault(AgentFaultKind.ServerError);
        Task<CriticalSession> enter = h.EnterAsync();
        h.Advance(TimeSpan.FromSeconds(29));
        Assert.False(enter.IsCompleted);
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.True(enter.IsCompletedSuccessfully);
        Assert.Equal(1, h.Registry.ActiveCount);
        (await enter).Dispose();
    }

    [Fact]
    public async Task Acquire_timeout_throws_and_ends_the_session_when_configured()
    {
        await using var h = new Harness(new TaskProtectionOptions { AcquireTimeoutBehavior = AcquireTimeoutBehavior.Throw });
        h.Model.FaultPolicy = _ => new AgentFault(AgentFaultKind.Throttling);
        Task<CriticalSession> enter = h.EnterAsync();
        h.Advance(TimeSpan.FromSeconds(30));
        TaskProtectionException ex = await Assert.ThrowsAsync<TaskProtectionException>(() => enter);
        Assert.Contains("AcquireTimeout", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.Registry.ActiveCount);
    }

    [Fact]
    public async Task Cancelling_EnterAsync_ends_the_session()
    {
        await using var h = new Harness();
        h.Model.Enqueue(AgentFault.Latency(TimeSpan.FromSeconds(5)));
        using var cts = new CancellationTokenSource();
        Task<CriticalSession> enter = h.EnterAsync("job", cts.Token);
        await cts.CancelAsync();
        h.Pump();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => enter);
        Assert.Equal(0, h.Registry.ActiveCount);
    }

    [Fact]
    public async Task Cancelling_before_the_waiter_first_runs_still_ends_the_session()
    {
        await using var h = new Harness();
        using var cts = new CancellationTokenSource();

        // No pump between entering and cancelling: the waiter has not started on the loop's scheduler yet.
        Task<CriticalSession> enter = h.Registry.EnterAsync("job", cts.Token).AsTask();
        await cts.CancelAsync();
        h.Pump();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => enter);
        Assert.Equal(0, h.Registry.ActiveCount);
    }

    [Fact]
    public void EnterAsync_with_a_cancelled_token_returns_a_cancelled_task_and_registers_nothing()
    {
        var registry = new CriticalSessionRegistry();
        ValueTask<CriticalSession> enter = registry.EnterAsync("job", new CancellationToken(canceled: true));
        Assert.True(enter.IsCanceled);
        Assert.Equal(0, registry.ActiveCount);
        Assert.Equal(0, registry.TotalEntered);
    }

    [Fact]
    public async Task Status_reports_what_the_seed_status_listed()
    {
        await using var h = new Harness();
        using CriticalSession session = h.Entered("transcode");
        h.AdvanceTo(TimeSpan.FromSeconds(100));
        TaskProtectionStatus status = h.Manager.GetStatus();
        Assert.True(status.ProtectionEnabled);
        Assert.Equal(1, status.ActiveSessionCount);
        ActiveSessionInfo info = Assert.Single(status.ActiveSessions);
        Assert.Equal("transcode", info.Name);
        Assert.Equal(TimeSpan.FromSeconds(100), info.Age);
        Assert.Equal(TimeSpan.FromSeconds(320), status.TimeUntilExpiry);
        Assert.Equal(h.Start + TimeSpan.FromSeconds(420), status.ExpiresAt);
        Assert.Equal(TimeSpan.FromSeconds(60), status.GapSafetyMargin);
        Assert.Equal(5, status.ToleratedConsecutiveFailures);
        Assert.True(status.AgentAvailable);
        Assert.Null(status.LastError);
        Assert.Equal(1, status.AgentCalls);
    }

    [Fact]
    public async Task A_day_of_back_to_back_work_makes_the_minimum_number_of_agent_calls()
    {
        // Work covers [0, 24 h): back-to-back 90 s jobs, the last ending just before the day is over.
        TimeSpan day = TimeSpan.FromHours(24);
        var options = new TaskProtectionOptions { MaxProtectionDuration = TimeSpan.FromHours(25), MaxProtectionDrain = TimeSpan.Zero };
        await using var h2 = new Harness(options);
        while (h2.Elapsed < day)
        {
            CriticalSession session = h2.Entered();
            TimeSpan left = day - TimeSpan.FromMilliseconds(1) - h2.Elapsed;
            h2.Advance(left < TimeSpan.FromSeconds(90) ? left : TimeSpan.FromSeconds(90));
            session.Dispose();
            h2.Pump();
            if (left < TimeSpan.FromSeconds(90))
            {
                break;
            }
        }

        h2.Advance(TimeSpan.FromMinutes(1));
        int lowerBound = (int)Math.Ceiling(day / options.ExtensionInterval) + 1;
        Assert.Equal(lowerBound, h2.Model.Calls.Count);
        Assert.Equal(289, lowerBound);
        Assert.Single(h2.Puts(enabled: false));
    }
}
