using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// A session that enters while the release is on its way (mode Releasing) is not admitted on the lease being released: it
/// waits, and its body starts only once a new acquire has landed, judged by the agent's record.
/// </summary>
public sealed class EntryDuringReleaseTests
{
    [Fact]
    public async Task A_session_entering_while_the_release_is_out_starts_only_after_a_new_acquire_landed()
    {
        // Interleaving: the only session ends at 10 s; the release goes out at 15 s and reaches the agent at 16 s. At 15.5 s
        // (mode Releasing, the lease still on at ECS) a session enters: it must wait through the release's landing and
        // start under the acquire that follows.
        await using var h = new Harness();
        CriticalSession first = h.Entered("first");
        h.AdvanceTo(TimeSpan.FromSeconds(10));
        first.Dispose();
        h.Model.FaultPolicy = c => c.Method == "PUT" && c.Body.Contains("false", StringComparison.Ordinal) ? AgentFault.Latency(TimeSpan.FromSeconds(1)) : null;
        h.AdvanceTo(TimeSpan.FromSeconds(15.5));
        Assert.Equal(ProtectionMode.Releasing, h.Manager.Mode);

        Task<CriticalSession> entering = h.EnterAsync("during-release");
        bool admittedBeforeLanding = entering.IsCompleted;
        h.AdvanceTo(TimeSpan.FromSeconds(16));
        bool admittedAtLanding = entering.IsCompleted;
        h.Pump();

        Assert.False(admittedBeforeLanding, "Admitted on the lease being released.");
        Assert.True(entering.IsCompletedSuccessfully, $"At {h.Elapsed}: {entering.Status}.");
        Assert.True(h.Model.IsProtected, $"Admitted (at landing: {admittedAtLanding}) with nothing at ECS.");
        Assert.False(h.Manager.ProtectionLostToken.IsCancellationRequested);
        Assert.Equal(2, h.Puts(enabled: true).Count);
        (await entering).Dispose();
    }
}
