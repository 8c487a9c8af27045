using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// The fast path of EnterAsync judges coverage at the session's start timestamp. With a session waiting for coverage
/// (active, but not running), the loop keeps a lease it cannot renew until its expiry rather than until the lapse watch,
/// and watches no lapse (nothing runs); a thread that took its timestamp inside coverage and stalled is then admitted on
/// the gate's old value, and becomes a running session without waking the loop. Its body must not run past the lease's
/// end untold: the loop ends such a lease at its lapse watch, as when no session is active, so the gate is closed.
/// </summary>
public sealed class StaleTimestampWithWaitersTests
{
    [Fact]
    public async Task A_session_admitted_on_a_stale_timestamp_while_another_waits_is_told_before_the_lease_ends()
    {
        // Interleaving: acquire at 0 s (lease to 420 s, coverage to 300 s); the first session ends at 10 s and ReleaseDelay
        // (1 h) keeps the lease idle. A thread takes its timestamp at 299 s (covered) and stalls. At 410 s a session W enters
        // and waits (not covered); the loop renews for it, and every renewal is throttled. At 417.999 s (the lapse watch) no
        // session runs, so nothing is told, and with W active the lease is kept until 420 s. At 419 s the stalled thread is
        // counted (2 active: no wake) and reads the gate: 300 s > 299 s, admitted. ECS's lease ends at 420 s; the loop's
        // timer for 420 s fires 1.5 s late (within SchedulingTolerance, 2 s).
        TimeSpan Late(DateTimeOffset due)
        {
            TimeSpan at = due - SimulatedClock.Epoch;
            return at >= TimeSpan.FromSeconds(419.9) && at < TimeSpan.FromSeconds(422) ? TimeSpan.FromSeconds(1.5) : TimeSpan.Zero;
        }

        var stalling = new StallingTimeProvider();
        var registry = new CriticalSessionRegistry(stalling);
        await using var h = new Harness(
            new TaskProtectionOptions { ReleaseDelay = TimeSpan.FromHours(1) },
            lateness: Late,
            registry: registry,
            managerClock: inner =>
            {
                stalling.Inner = inner;
                return stalling;
            });
        Assert.Equal(SimulatedClock.Epoch, h.Start);
        h.Model.FaultPolicy = c => c.Method == "PUT" && c.Body.Contains("true", StringComparison.Ordinal) && c.SentAt - h.Start >= TimeSpan.FromSeconds(400)
            ? new AgentFault(AgentFaultKind.Throttling)
            : null;
        h.Entered("first").Dispose();
        h.AdvanceTo(TimeSpan.FromSeconds(299));
        Task<CriticalSession>? waiting = null;
        stalling.AfterNextTimestamp = () =>
        {
            h.AdvanceTo(TimeSpan.FromSeconds(410));
            waiting = h.EnterAsync("waiting");
            h.AdvanceTo(TimeSpan.FromSeconds(419));
        };

        Task<CriticalSession> stalled = h.EnterAsync("stalled");

        Assert.NotNull(waiting);
        Assert.False(waiting.IsCompleted, "W waits: nothing covers it.");
        bool admittedAt419 = stalled.IsCompletedSuccessfully;
        h.AdvanceTo(TimeSpan.FromSeconds(421));

        Assert.False(h.Model.IsProtected, "ECS's lease ended at 420 s.");
        Assert.True(
            !stalled.IsCompletedSuccessfully || h.Manager.ProtectionLostToken.IsCancellationRequested,
            $"The stalled session (admitted at 419 s: {admittedAt419}) runs at 421 s with nothing at ECS since 420 s, and the application was not told (mode {h.Manager.Mode}).");
        Assert.False(admittedAt419, "Admitted at 419 s on its 299 s timestamp: the loop ends an unrenewed lease with no body running at its lapse watch (417.999 s), closing coverage.");

        h.AdvanceTo(TimeSpan.FromSeconds(460));
        foreach (Task<CriticalSession> session in new[] { stalled, waiting })
        {
            if (session.IsCompletedSuccessfully)
            {
                (await session).Dispose();
            }
        }
    }
}
