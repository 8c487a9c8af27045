using Microsoft.Extensions.Logging;
using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// Interleavings that look as if they could break the invariant and do not, kept as regression tests. Each forces the
/// interleaving (a logger that acts at a log event of the loop, a clock that stalls a thread right after it took its
/// timestamp) and judges by the agent's record.
/// </summary>
public sealed class LoopInterleavingTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_session_admitted_while_the_force_disable_is_being_decided_is_told_before_the_disable_lands()
    {
        // At the force-disable's log (1050) the loop has dropped the lease but not narrowed the gate yet: a session entering
        // then is admitted on the fast path. Commit narrows and counts running sessions after it, so it is told, before the
        // disable (which takes a second to reach the agent) lands.
        var logger = new OnceAtLogEvent(1050);
        await using var h = new Harness(logger: logger);
        using CriticalSession running = h.Entered("running");
        var told = new List<string>();
        h.Manager.ProtectionLost += (_, e) => told.AddRange(e.ActiveSessions.Select(s => s.Name));
        Task<CriticalSession>? late = null;
        logger.Action = () => late = h.Registry.EnterAsync("late").AsTask();
        h.Model.Enqueue(AgentFault.Latency(TimeSpan.FromSeconds(1)));

        Task disable = h.Manager.ForceDisableProtectionAsync("operator");
        h.Pump();

        Assert.NotNull(late);
        Assert.True(late.IsCompletedSuccessfully, "Admitted on the fast path: the gate was still open.");
        Assert.True(h.Model.IsProtected);
        Assert.True(h.Manager.ProtectionLostToken.IsCancellationRequested, "Told before the disable lands.");
        Assert.Contains("late", told);
        h.Advance(TimeSpan.FromSeconds(1));
        await disable.WaitAsync(Bound);
        (await late).Dispose();
    }

    [Fact]
    public async Task A_session_admitted_while_the_stop_closes_coverage_is_told_before_the_release_is_sent()
    {
        // At the stop's log (1051) coverage is closed in the loop's state but not yet in the gate: a session entering then
        // is admitted, and must be among those told before the release goes out.
        var logger = new OnceAtLogEvent(1051);
        var watch = new DisableWatch();
        var h = new Harness(logger: logger, client: inner => watch.Wrap(inner));
        watch.Told = () => h.Manager.ProtectionLostToken.IsCancellationRequested;
        using CriticalSession running = h.Entered("running");
        var told = new List<string>();
        h.Manager.ProtectionLost += (_, e) => told.AddRange(e.ActiveSessions.Select(s => s.Name));
        Task<CriticalSession>? late = null;
        logger.Action = () => late = h.Registry.EnterAsync("late").AsTask();

        await h.StopAsync();

        Assert.NotNull(late);
        Assert.True(late.IsCompletedSuccessfully);
        Assert.Equal([true], watch.ToldAtEachDisable);
        Assert.Contains("late", told);
        Assert.False(h.Model.IsProtected);
        (await late).Dispose();
    }

    [Fact]
    public async Task A_force_disable_queued_behind_a_renewal_that_never_answers_is_answered_by_the_stop()
    {
        var h = new Harness();
        using CriticalSession session = h.Entered("running");
        h.Model.Enqueue(AgentFaultKind.Blackhole);
        h.AdvanceTo(TimeSpan.FromSeconds(301));

        // The renewal went out at 300 s and is still out: the loop does not take commands while a call is out.
        Task disable = h.Manager.ForceDisableProtectionAsync("operator");
        h.Pump();
        Assert.False(disable.IsCompleted);

        await h.StopAsync();

        await disable.WaitAsync(Bound);
        Assert.False(h.Model.IsProtected);
        Assert.True(h.Manager.ProtectionLostToken.IsCancellationRequested);
    }

    [Fact]
    public async Task A_loss_after_protection_was_restored_from_a_lapse_is_told_again_in_the_new_epoch()
    {
        // Epoch N: the lapse is told and a renewal that landed after the lease ended restores protection (TryReset).
        // Epoch N+1: a force-disable must be told again, on the fresh token, not treated as told already.
        TimeSpan Late(DateTimeOffset due)
        {
            TimeSpan at = due - SimulatedClock.Epoch;
            return at >= TimeSpan.FromSeconds(299) && at < TimeSpan.FromSeconds(415) ? TimeSpan.FromSeconds(415) - at : TimeSpan.Zero;
        }

        await using var h = new Harness(lateness: Late);
        using CriticalSession session = h.Entered("running");
        var reasons = new List<ProtectionLossReason>();
        h.Manager.ProtectionLost += (_, e) => reasons.Add(e.Reason);
        h.Model.Enqueue(AgentFault.Latency(TimeSpan.FromSeconds(8)));
        h.AdvanceTo(TimeSpan.FromSeconds(430));
        Assert.False(h.Manager.ProtectionLostToken.IsCancellationRequested, "Restored: a fresh token.");
        CancellationToken epoch = h.Manager.ProtectionLostToken;

        Task disable = h.Manager.ForceDisableProtectionAsync("operator");
        h.Pump();
        await disable.WaitAsync(Bound);

        Assert.True(epoch.IsCancellationRequested);
        Assert.Equal([ProtectionLossReason.Lapsed, ProtectionLossReason.ForceDisabled], reasons);
    }

    [Fact]
    public async Task An_acquire_abandoned_two_attempts_before_the_one_that_succeeded_is_released_again_after_it_lands()
    {
        // The first acquire times out at 10 s (it lands at 14 s), the second at 20.75 s (it lands at 25.5 s, after the
        // release); the third succeeds at 22.25 s; the session ends and the release goes out at once. The second landing
        // must be undone once it can no longer land (20.75 s + 5 s): the task must not stay protected with no session.
        await using var h = new Harness(new TaskProtectionOptions { ReleaseDelay = TimeSpan.Zero });
        h.Model.Enqueue(
            new AgentFault(AgentFaultKind.LateLanding, RequestDelay: TimeSpan.FromSeconds(14)),
            new AgentFault(AgentFaultKind.LateLanding, RequestDelay: TimeSpan.FromSeconds(14.75)));
        Task<CriticalSession> entering = h.EnterAsync("job");
        h.AdvanceTo(TimeSpan.FromSeconds(22.25));
        Assert.True(entering.IsCompletedSuccessfully);
        (await entering).Dispose();
        h.Pump();
        Assert.False(h.Model.IsProtected, "Released at 22.25 s.");

        h.AdvanceTo(TimeSpan.FromSeconds(25.6));
        Assert.True(h.Model.IsProtected, "The second abandoned acquire landed at 25.5 s, after the release.");

        h.AdvanceTo(TimeSpan.FromSeconds(60));
        Assert.False(h.Model.IsProtected);
        Assert.Equal(h.Start + TimeSpan.FromSeconds(25.75), h.Model.UnprotectedIntervals(h.Start)[^1].From);
        Assert.Equal(ProtectionMode.Idle, h.Manager.Mode);
    }

    /// <summary>Records, as each disable is sent, whether the application had been told.</summary>
    private sealed class DisableWatch
    {
        public Func<bool> Told { get; set; } = () => false;

        public List<bool> ToldAtEachDisable { get; } = [];

        public ITaskProtectionClient Wrap(ITaskProtectionClient inner) => new Client(inner, this);

        private sealed class Client(ITaskProtectionClient inner, DisableWatch watch) : ITaskProtectionClient
        {
            public Task<TaskProtectionState> EnableAsync(int expiresInMinutes, CancellationToken cancellationToken) => inner.EnableAsync(expiresInMinutes, cancellationToken);

            public Task<TaskProtectionState> DisableAsync(CancellationToken cancellationToken)
            {
                watch.ToldAtEachDisable.Add(watch.Told());
                return inner.DisableAsync(cancellationToken);
            }

            public Task<TaskProtectionState> GetAsync(CancellationToken cancellationToken) => inner.GetAsync(cancellationToken);
        }
    }
}
