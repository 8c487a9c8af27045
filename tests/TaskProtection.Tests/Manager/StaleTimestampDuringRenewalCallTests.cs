using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// The loop ends an unrenewed lease with only waiting sessions at its lapse watch, so that a thread admitted on an old start
/// timestamp cannot run past the lease's end untold. While a renewal for the waiting sessions is out, though, the loop only
/// watches the call, with the deadline it computed when no body ran: coverage stays open at its old value, and a stale
/// thread admitted meanwhile (no wake: not a 0→1 change) must still hear of the lapse before ECS's lease ends.
/// </summary>
public sealed class StaleTimestampDuringRenewalCallTests
{
    [Fact]
    public async Task A_session_admitted_on_a_stale_timestamp_while_a_renewal_for_a_waiter_is_out_is_told_before_the_lease_ends()
    {
        // Interleaving: acquire at 0 s (lease to 420 s, coverage to 300 s); the first session ends at once and ReleaseDelay
        // (1 h) keeps the lease idle. A thread takes its timestamp at 299 s (covered) and stalls. At 415 s a session W enters
        // and waits (not covered); the loop sends the renewal for it at 415 s, which never answers (RequestTimeout: 425 s).
        // With no body running when the call went out, the loop watches the call with no deadline. At 419 s the stalled
        // thread is counted (2 active: no wake) and reads the gate, still 300 s: admitted. ECS's lease ends at 420 s; the
        // call times out at 425 s, and only then is the lapse told.
        var stalling = new StallingTimeProvider();
        var registry = new CriticalSessionRegistry(stalling);
        await using var h = new Harness(
            new TaskProtectionOptions { ReleaseDelay = TimeSpan.FromHours(1) },
            registry: registry,
            managerClock: inner =>
            {
                stalling.Inner = inner;
                return stalling;
            });
        int unanswered = 0;
        h.Model.FaultPolicy = c =>
        {
            if (c.Method != "PUT" || !c.Body.Contains("true", StringComparison.Ordinal) || c.SentAt - h.Start < TimeSpan.FromSeconds(400))
            {
                return null;
            }

            Interlocked.Increment(ref unanswered);
            return new AgentFault(AgentFaultKind.Blackhole);
        };
        h.Entered("first").Dispose();
        h.AdvanceTo(TimeSpan.FromSeconds(299));
        Task<CriticalSession>? waiting = null;
        stalling.AfterNextTimestamp = () =>
        {
            h.AdvanceTo(TimeSpan.FromSeconds(415));
            waiting = h.EnterAsync("waiting");
            h.AdvanceTo(TimeSpan.FromSeconds(419));
        };

        Task<CriticalSession> stalled = h.EnterAsync("stalled");

        Assert.NotNull(waiting);
        Assert.False(waiting.IsCompleted, "W waits: nothing covers it.");
        Assert.Equal(1, Volatile.Read(ref unanswered));
        bool admittedAt419 = stalled.IsCompletedSuccessfully;
        h.AdvanceTo(TimeSpan.FromSeconds(421));

        Assert.False(h.Model.IsProtected, "ECS's lease ended at 420 s.");
        Assert.True(
            !stalled.IsCompletedSuccessfully || h.Manager.ProtectionLostToken.IsCancellationRequested,
            $"The stalled session (admitted at 419 s: {admittedAt419}) runs at 421 s with nothing at ECS since 420 s, and the application was not told (mode {h.Manager.Mode}).");

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
