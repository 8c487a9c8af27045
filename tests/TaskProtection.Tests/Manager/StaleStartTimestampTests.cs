using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// The fast path of EnterAsync judges coverage at the session's start timestamp (on a clock shared with the registry,
/// to save a read). A thread that stalls after taking it, past the end of the lease, must find coverage closed, even
/// with no session running to keep the loop awake.
/// </summary>
public sealed class StaleStartTimestampTests
{
    [Fact]
    public async Task A_session_that_stalls_after_taking_its_timestamp_past_the_end_of_an_idle_lease_is_not_admitted_as_covered()
    {
        // Interleaving: the only session ended at 0 s; ReleaseDelay (1 h) keeps the lease. Were the idle loop to sleep
        // until the release, not waking when the lease ends at 420 s, the gate would keep its last value (300 s, the
        // renewal's due time). A thread takes its start timestamp at 290 s, inside coverage, and stalls (longer than
        // ProtectionBuffer) until 430 s. Then it is counted and reads the gate with its 290 s timestamp: covered, and the
        // body would start with ECS holding nothing. The loop closes the gate before the lease ends: the session waits.
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
        h.Entered("first").Dispose();
        h.AdvanceTo(TimeSpan.FromSeconds(290));
        h.Model.Enqueue(AgentFault.Latency(TimeSpan.FromSeconds(1)));
        stalling.AfterNextTimestamp = () => h.AdvanceTo(TimeSpan.FromSeconds(430));

        Task<CriticalSession> entering = h.EnterAsync("stalled");

        Assert.Equal(TimeSpan.FromSeconds(430), h.Elapsed);
        Assert.False(h.Model.IsProtected);
        Assert.False(entering.IsCompleted, "Admitted at 430 s on a timestamp from 290 s, with nothing protecting the task.");
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.True(entering.IsCompletedSuccessfully);
        Assert.True(h.Model.IsProtected);
        (await entering).Dispose();
    }
}
