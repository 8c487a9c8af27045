using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>Every way a session body can end up running without protection: the application is told before, judged by the agent's record.</summary>
public sealed class UnprotectedWorkTests
{
    [Fact]
    public async Task A_session_that_goes_ahead_after_AcquireTimeout_is_told_before_its_body_starts()
    {
        await using var h = new Harness();
        h.Model.FaultPolicy = _ => new AgentFault(AgentFaultKind.ServerError);
        ProtectionLostEventArgs? args = null;
        h.Manager.ProtectionLost += (_, e) => args = e;
        Task<CriticalSession> enter = h.EnterAsync("import");
        h.Advance(TimeSpan.FromSeconds(29.9));
        Assert.False(enter.IsCompleted);
        Assert.False(h.Manager.ProtectionLostToken.IsCancellationRequested);

        h.Advance(TimeSpan.FromSeconds(0.1));

        Assert.True(enter.IsCompletedSuccessfully);
        Assert.True(h.Manager.ProtectionLostToken.IsCancellationRequested);
        Assert.Equal(ProtectionLossReason.NotConfirmed, args?.Reason);
        Assert.False(h.Model.IsProtected);

        // Once ECS accepts again, protection and a fresh token come back for the work that went ahead.
        h.Model.FaultPolicy = null;
        h.Advance(TimeSpan.FromSeconds(15));
        Assert.True(h.Model.IsProtected);
        Assert.False(h.Manager.ProtectionLostToken.IsCancellationRequested);
        (await enter).Dispose();
    }

    [Fact]
    public async Task A_synchronous_session_left_unconfirmed_for_AcquireTimeout_is_told()
    {
        await using var h = new Harness();
        h.Model.FaultPolicy = _ => new AgentFault(AgentFaultKind.Throttling);
        using CriticalSession session = h.Registry.Enter("sync-import");
        h.Pump();

        // Told by AcquireTimeout (30 s) even if the manager's timer fires SchedulingTolerance (2 s) late: armed at 27.999 s.
        h.Advance(TimeSpan.FromSeconds(27.998));
        Assert.False(h.Manager.ProtectionLostToken.IsCancellationRequested);

        h.Advance(TimeSpan.FromSeconds(0.001));

        Assert.True(h.Manager.ProtectionLostToken.IsCancellationRequested);
        Assert.False(h.Model.IsProtected);
    }

    [Fact]
    public async Task A_synchronous_session_entered_after_coverage_closed_is_told_if_the_lease_then_lapses()
    {
        await using var h = new Harness();
        using CriticalSession first = h.Entered("first");
        h.Model.FaultPolicy = _ => new AgentFault(AgentFaultKind.Blackhole);
        h.AdvanceTo(TimeSpan.FromSeconds(350));

        // Coverage closed at 300 s; the renewals vanish. This session's body starts now, and the first one ends.
        using CriticalSession second = h.Registry.Enter("second");
        first.Dispose();
        h.AdvanceTo(TimeSpan.FromSeconds(418));

        Assert.True(h.Manager.ProtectionLostToken.IsCancellationRequested);
        Assert.True(h.Model.IsProtected, "Told before the lease ends at 420 s.");
        Assert.Equal(1, h.Manager.GetStatus().Lapses);
    }

    [Fact]
    public async Task A_force_disable_tells_the_running_sessions_first()
    {
        await using var h = new Harness();
        using CriticalSession session = h.Entered("transcode");
        h.Model.Enqueue(AgentFault.Latency(TimeSpan.FromSeconds(1)));
        ProtectionLostEventArgs? args = null;
        h.Manager.ProtectionLost += (_, e) => args = e;

        Task disable = h.Manager.ForceDisableProtectionAsync("operator: unblock the deployment");
        h.Pump();

        Assert.True(h.Manager.ProtectionLostToken.IsCancellationRequested);
        Assert.True(h.Model.IsProtected, "The disable takes a second to reach the agent.");
        Assert.Equal(ProtectionLossReason.ForceDisabled, args?.Reason);
        h.Advance(TimeSpan.FromSeconds(1));
        await disable.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(h.Model.IsProtected);
    }

    [Fact]
    public async Task A_force_disable_right_after_protection_is_confirmed_tells_the_session_that_just_got_it()
    {
        // Found by the widened simulation: the acquire is answered, and the operator's force-disable, queued while it was
        // out, runs before the waiting session's continuation returns it. That session is running: it must be told.
        await using var h = new Harness();
        h.Model.Enqueue(AgentFault.Latency(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
        Task<CriticalSession> entering = h.EnterAsync("job");
        h.Advance(TimeSpan.FromSeconds(1.5));
        Task disable = h.Manager.ForceDisableProtectionAsync("operator");
        h.Pump();

        h.Advance(TimeSpan.FromSeconds(0.5));

        Assert.True(entering.IsCompletedSuccessfully);
        Assert.True(h.Manager.ProtectionLostToken.IsCancellationRequested);
        await disable.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(h.Model.IsProtected);
        (await entering).Dispose();
    }

    [Fact]
    public async Task A_synchronous_session_entered_during_a_slow_release_is_told_by_AcquireTimeout()
    {
        // Found by the widened simulation: the loop waits on a release that takes its whole timeout; the deadline of a
        // session that entered meanwhile must not wait for it.
        await using var h = new Harness(new TaskProtectionOptions { AcquireTimeout = TimeSpan.FromSeconds(3) });
        CriticalSession first = h.Entered("first");
        h.AdvanceTo(TimeSpan.FromSeconds(10));
        h.Model.FaultPolicy = _ => new AgentFault(AgentFaultKind.Blackhole);
        first.Dispose();
        h.AdvanceTo(TimeSpan.FromSeconds(16));

        // The release went out at 15 s and will time out at 25 s.
        using CriticalSession second = h.Registry.Enter("second");
        h.Pump();
        h.AdvanceTo(TimeSpan.FromSeconds(16.998));
        Assert.False(h.Manager.ProtectionLostToken.IsCancellationRequested);
        h.AdvanceTo(TimeSpan.FromSeconds(17));
        Assert.True(h.Manager.ProtectionLostToken.IsCancellationRequested, "Told at 16 s + 3 s − 2.001 s, with the release still out.");
    }

    [Fact]
    public async Task A_renewal_answered_after_the_lease_ended_is_a_lapse_but_does_not_restart_the_cap()
    {
        // The process is starved: every timer due from the renewal on fires at 415 s, and the renewal takes 8 s to land.
        TimeSpan Late(DateTimeOffset due)
        {
            TimeSpan at = due - SimulatedClock.Epoch;
            return at >= TimeSpan.FromSeconds(299) && at < TimeSpan.FromSeconds(415) ? TimeSpan.FromSeconds(415) - at : TimeSpan.Zero;
        }

        await using var h = new Harness(lateness: Late);
        using CriticalSession session = h.Entered();
        ProtectionLostEventArgs? args = null;
        h.Manager.ProtectionLost += (_, e) => args = e;
        h.Model.Enqueue(AgentFault.Latency(TimeSpan.FromSeconds(8)));

        h.AdvanceTo(TimeSpan.FromSeconds(430));

        // ECS held no protection from 420 s to 423 s, when the late renewal landed: a lapse, told. The loop cannot tell this
        // from a renewal that reached ECS before 420 s and was answered late, so for the cap the period goes on from 0 s.
        Assert.Equal(new UnprotectedInterval(h.Start + TimeSpan.FromSeconds(420), h.Start + TimeSpan.FromSeconds(423)), h.Model.UnprotectedIntervals(h.Start)[0]);
        Assert.Equal(ProtectionLossReason.Lapsed, args?.Reason);
        TaskProtectionStatus status = h.Manager.GetStatus();
        Assert.Equal(1, status.Lapses);
        Assert.Equal(h.Start, status.ProtectedSince);
        Assert.Equal(ProtectionMode.Protected, status.Mode);
    }
}
