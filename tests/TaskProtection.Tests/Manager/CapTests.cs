using Microsoft.Extensions.Diagnostics.HealthChecks;
using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// MaxProtectionDuration end to end, judged by the agent's record: the last renewal reaches the cap, running sessions
/// are told when the cap is decided, sessions entering meanwhile are told or refused, and after the cool-down
/// protection comes back for whoever still runs. With the drain off: DrainTests covers the cap with it.
/// </summary>
public sealed class CapTests
{
    private static readonly TimeSpan Cap = TimeSpan.FromHours(1);
    private static readonly TimeSpan Cooldown = TimeSpan.FromMinutes(5);

    private static TaskProtectionOptions NoDrain() => new() { MaxProtectionDuration = Cap, MaxProtectionDrain = TimeSpan.Zero };

    [Fact]
    public async Task The_last_renewal_asks_for_the_minutes_that_reach_the_cap()
    {
        await using var h = new Harness(NoDrain());
        using CriticalSession session = h.Entered();

        h.AdvanceTo(Cap + TimeSpan.FromMinutes(1));

        // Acquire at 0 and renewals every 300 s for 7 minutes up to 3000 s; the one at 3300 s asks for the 5 that reach 3600 s.
        IReadOnlyList<AgentCall> enables = h.Puts(enabled: true);
        Assert.Equal(12, enables.Count);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => h.Start + TimeSpan.FromSeconds(300 * i)), enables.Select(c => c.ReceivedAt));
        Assert.All(enables.Take(11), c => Assert.Equal("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":7}", c.Body));
        Assert.Equal("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":5}", enables[^1].Body);
        UnprotectedInterval gap = Assert.Single(h.Model.UnprotectedIntervals(h.Start));
        Assert.Equal(h.Start + Cap, gap.From);
    }

    [Fact]
    public async Task A_three_minute_cap_with_two_minute_leases_lasts_three_minutes()
    {
        var options = new TaskProtectionOptions
        {
            ExtensionInterval = TimeSpan.FromSeconds(90),
            ProtectionBuffer = TimeSpan.FromSeconds(30),
            CheckInterval = TimeSpan.FromSeconds(10),
            RetryMaxDelay = TimeSpan.FromSeconds(1),
            MaxProtectionDuration = TimeSpan.FromMinutes(3),
            MaxProtectionDrain = TimeSpan.Zero,
            MinimumToleratedFailures = 0,
        };
        await using var h = new Harness(options);
        using CriticalSession session = h.Entered();

        h.AdvanceTo(TimeSpan.FromMinutes(4));

        // The renewal due at 90 s would pass the cap: at 60 s, it asks for the 2 minutes that end exactly there.
        Assert.Equal([h.Start, h.Start + TimeSpan.FromSeconds(60)], h.Puts(enabled: true).Select(c => c.ReceivedAt));
        Assert.Equal(h.Start + TimeSpan.FromMinutes(3), Assert.Single(h.Model.UnprotectedIntervals(h.Start)).From);
    }

    [Fact]
    public async Task Running_sessions_are_told_when_the_cap_is_decided_a_buffer_before_it_ends()
    {
        await using var h = new Harness(NoDrain());
        using CriticalSession session = h.Entered("transcode");
        CancellationToken lost = h.Manager.ProtectionLostToken;
        ProtectionLostEventArgs? args = null;
        h.Manager.ProtectionLost += (_, e) => args = e;

        h.AdvanceTo(Cap - TimeSpan.FromSeconds(121));
        Assert.Null(args);
        h.AdvanceTo(Cap - TimeSpan.FromSeconds(120));

        Assert.Equal(ProtectionLossReason.MaxDurationReached, args?.Reason);
        Assert.True(lost.IsCancellationRequested);
        Assert.True(h.Model.IsProtected, "Told two minutes before ECS drops protection, not after.");
        TaskProtectionStatus status = h.Manager.GetStatus();
        Assert.Equal(ProtectionMode.Capped, status.Mode);
        Assert.Equal(h.Start + Cap + Cooldown, status.CooldownEndsAt);
        Assert.Equal(0, status.Lapses);
        var check = new TaskProtectionHealthCheck(h.Manager);
        HealthCheckResult health = await check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("tp", check, null, null) });
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("may be acquired again from 2026-01-01T01:05:00", health.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3500, "before the release: the first session's word still stands")]
    [InlineData(3510, "after the release: a fresh token, so the entry itself tells")]
    public async Task A_session_entered_while_capped_is_told_before_its_body_runs(int enterAtSeconds, string because)
    {
        await using var h = new Harness(NoDrain());
        CriticalSession first = h.Entered("first");
        h.AdvanceTo(TimeSpan.FromSeconds(3490));
        first.Dispose();
        h.Pump();
        h.AdvanceTo(TimeSpan.FromSeconds(enterAtSeconds));

        Task<CriticalSession> second = h.EnterAsync("second");

        Assert.True(second.IsCompletedSuccessfully, because);
        Assert.True(h.Manager.ProtectionLostToken.IsCancellationRequested, because);
        h.AdvanceTo(TimeSpan.FromSeconds(3700));
        Assert.False(h.Model.IsProtected);
        Assert.True(h.Manager.ProtectionLostToken.IsCancellationRequested, because);
        (await second).Dispose();
    }

    [Fact]
    public async Task A_session_entered_while_capped_is_refused_under_Throw()
    {
        await using var h = new Harness(new TaskProtectionOptions { AcquireTimeoutBehavior = AcquireTimeoutBehavior.Throw, MaxProtectionDuration = Cap, MaxProtectionDrain = TimeSpan.Zero });
        using CriticalSession first = h.Entered("first");
        h.AdvanceTo(TimeSpan.FromSeconds(3500));

        TaskProtectionException refused = await Assert.ThrowsAsync<TaskProtectionException>(() => h.EnterAsync("second"));

        Assert.Contains("MaxProtectionDuration (1 h); it may be acquired again from 2026-01-01T01:05:00", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, h.Registry.ActiveCount);
    }

    [Fact]
    public async Task A_synchronous_session_entered_while_capped_is_told_at_once()
    {
        await using var h = new Harness(NoDrain());
        CriticalSession first = h.Entered("first");
        h.AdvanceTo(TimeSpan.FromSeconds(3490));
        first.Dispose();
        h.AdvanceTo(TimeSpan.FromSeconds(3510));
        Assert.False(h.Manager.ProtectionLostToken.IsCancellationRequested, "Released and idle: a fresh token.");

        using CriticalSession second = h.Registry.Enter("second");

        Assert.True(h.Manager.ProtectionLostToken.IsCancellationRequested);
    }

    [Fact]
    public async Task A_session_that_never_ends_is_protected_again_after_the_cool_down()
    {
        await using var h = new Harness(NoDrain());
        using CriticalSession leaked = h.Entered("leaked");
        h.AdvanceTo(Cap + Cooldown - TimeSpan.FromSeconds(1));
        Assert.False(h.Model.IsProtected);
        Assert.True(h.Manager.ProtectionLostToken.IsCancellationRequested);

        h.AdvanceTo(Cap + Cooldown);

        Assert.True(h.Model.IsProtected);
        Assert.False(h.Manager.ProtectionLostToken.IsCancellationRequested);
        TaskProtectionStatus status = h.Manager.GetStatus();
        Assert.Equal(ProtectionMode.Protected, status.Mode);
        Assert.Equal(h.Start + Cap + Cooldown, status.ProtectedSince);
        Assert.Null(status.CooldownEndsAt);

        // And the cap holds for the new period as well.
        h.AdvanceTo(Cap + Cooldown + Cap + TimeSpan.FromSeconds(1));
        Assert.False(h.Model.IsProtected);
        Assert.Equal(
            [new UnprotectedInterval(h.Start + Cap, h.Start + Cap + Cooldown), new UnprotectedInterval(h.Start + Cap + Cooldown + Cap, DateTimeOffset.MaxValue)],
            h.Model.UnprotectedIntervals(h.Start));
    }

    [Fact]
    public async Task Workers_that_are_never_all_idle_at_once_are_protected_again_after_the_cool_down()
    {
        await using var h = new Harness(NoDrain());
        var sessions = new Queue<CriticalSession>();
        sessions.Enqueue(h.Entered("worker-a"));
        for (int minute = 1; minute <= 80; minute++)
        {
            // Each minute one worker starts a job and the other finishes one: never idle, never released.
            h.AdvanceTo(TimeSpan.FromMinutes(minute));
            Task<CriticalSession> next = h.EnterAsync(minute % 2 == 0 ? "worker-a" : "worker-b");
            sessions.Enqueue(await next.WaitAsync(TimeSpan.FromSeconds(10)));
            sessions.Dequeue().Dispose();
            h.Pump();
        }

        Assert.Equal(
            [new UnprotectedInterval(h.Start + Cap, h.Start + Cap + Cooldown)],
            h.Model.UnprotectedIntervals(h.Start).Where(i => i.To != DateTimeOffset.MaxValue));
        Assert.True(h.Model.IsProtected);
        Assert.False(h.Manager.ProtectionLostToken.IsCancellationRequested);
        sessions.Dequeue().Dispose();
    }

    [Fact]
    public async Task A_release_after_the_cap_starts_the_cool_down_at_once()
    {
        await using var h = new Harness(NoDrain());
        CriticalSession first = h.Entered("first");
        h.AdvanceTo(TimeSpan.FromSeconds(3490));
        first.Dispose();
        h.AdvanceTo(TimeSpan.FromSeconds(3496));
        Assert.False(h.Model.IsProtected);
        Assert.Equal(h.Start + TimeSpan.FromSeconds(3495) + Cooldown, h.Manager.GetStatus().CooldownEndsAt);

        h.AdvanceTo(TimeSpan.FromSeconds(3495) + Cooldown);
        using CriticalSession later = h.Entered("later");
        Assert.True(h.Model.IsProtected);
        Assert.False(h.Manager.ProtectionLostToken.IsCancellationRequested);
    }

    [Theory]
    [InlineData(AgentFaultKind.Throttling)]
    [InlineData(AgentFaultKind.Blackhole)]
    [InlineData(AgentFaultKind.AccessDenied)]
    [InlineData(AgentFaultKind.TaskNotValid)]
    public async Task A_release_that_failed_does_not_end_the_period_the_cap_counts(AgentFaultKind fault)
    {
        // The release at 40:05 fails (throttled or refused outright: ECS still protects the task; or unanswered: it may or
        // may not have landed)
        // and a session enters before it is retried. Its acquire must continue the period that began at 0, which ECS may never have
        // ended, rather than start a new one with a cap of its own: otherwise the agent protects the task from 0 to past
        // 1:40, for well over the cap.
        await using var h = new Harness(NoDrain());
        CriticalSession first = h.Entered("first");
        h.AdvanceTo(TimeSpan.FromMinutes(40));
        first.Dispose();
        h.Model.Enqueue(fault);
        h.AdvanceTo(TimeSpan.FromSeconds(2405.5));
        Task<CriticalSession> entering = h.EnterAsync("second");
        h.AdvanceTo(TimeSpan.FromHours(2));
        using CriticalSession second = await entering.WaitAsync(TimeSpan.FromSeconds(10));

        // The cap, plus the last enable's rounding up to whole minutes and the time it may take to land.
        TimeSpan bound = Cap + TimeSpan.FromMinutes(1) + h.Options.RequestTimeout + GapBudget.LateLandingWindow + h.Options.SchedulingTolerance;
        IReadOnlyList<UnprotectedInterval> gaps = h.Model.UnprotectedIntervals(h.Start - TimeSpan.FromSeconds(1));
        for (int i = 0; i + 1 < gaps.Count; i++)
        {
            TimeSpan span = gaps[i + 1].From - gaps[i].To;
            Assert.True(span <= bound, $"Protected without a break from {gaps[i].To - h.Start} for {span}, beyond the cap of {Cap} (bound {bound}).");
        }
    }
    [Theory]
    [InlineData(AgentFaultKind.Blackhole)]
    [InlineData(AgentFaultKind.NoResponse)]
    public async Task An_unanswered_acquire_after_the_cool_down_starts_a_new_period_and_is_retried(AgentFaultKind fault)
    {
        // A session that never ends: capped at 1 h, the cool-down ends at 1:05. The first acquire after it goes unanswered
        // (it may have landed). The cap must count from that acquire, not from 0: counted from 0 the period looked past its
        // cap while ECS might protect the task, and the task cooled down again after every unanswered acquire.
        await using var h = new Harness(NoDrain());
        using CriticalSession stuck = h.Entered("stuck");
        h.AdvanceTo(Cap);
        Assert.Equal(ProtectionMode.Capped, h.Manager.Mode);
        bool faulted = false;
        h.Model.FaultPolicy = c =>
        {
            if (!faulted && c.SentAt - h.Start > Cap && c.Method == "PUT" && c.Body.Contains("\"ProtectionEnabled\":true", StringComparison.Ordinal))
            {
                faulted = true;
                return new AgentFault(fault);
            }

            return null;
        };

        h.AdvanceTo(Cap + Cooldown + TimeSpan.FromMinutes(1));

        Assert.True(faulted, "The acquire after the cool-down was sent.");
        Assert.True(h.Model.IsProtected, $"The acquire is retried and protects the session again (mode {h.Manager.Mode}).");
        Assert.NotEqual(ProtectionMode.Capped, h.Manager.Mode);
    }
}
