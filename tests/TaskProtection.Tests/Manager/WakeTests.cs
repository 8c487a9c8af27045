using Microsoft.Extensions.Logging;
using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>Sessions that need the loop are never left waiting for a watchdog or a timeout.</summary>
public sealed class WakeTests
{
    [Fact]
    public async Task A_session_that_arrives_while_the_release_is_being_decided_is_covered_at_once()
    {
        // The logger enters a session at the moment the loop has closed coverage to release, and lets the session look
        // at the state (and start waiting) before the loop looks again: the worst interleaving.
        var logger = new OnceAtLogEvent(1013);
        await using var h = new Harness(logger: logger);
        Task<CriticalSession>? late = null;
        logger.Action = () =>
        {
            late = h.Registry.EnterAsync("late").AsTask();
            h.Scheduler.RunPendingNow();
        };
        CriticalSession first = h.Entered("first");
        h.AdvanceTo(TimeSpan.FromSeconds(10));
        first.Dispose();
        h.Pump();

        h.AdvanceTo(TimeSpan.FromSeconds(15));

        Assert.NotNull(late);
        Assert.True(late.IsCompletedSuccessfully, "The session waits for AcquireTimeout although protection was kept.");
        Assert.Empty(h.Puts(enabled: false));
        Assert.True(h.Model.IsProtected);
        (await late).Dispose();
    }

    [Fact]
    public async Task A_synchronous_session_after_a_force_disable_re_enables_protection_at_once()
    {
        await using var h = new Harness();
        using CriticalSession before = h.Entered("before");
        Task disable = h.Manager.ForceDisableProtectionAsync("operator: unblock the deployment");
        h.Pump();
        await disable.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(h.Model.IsProtected);

        // A second session (no 0→1 change), entered synchronously: nothing but this entry can wake the loop.
        using CriticalSession after = h.Registry.Enter("after");
        h.Pump();

        Assert.True(h.Model.IsProtected);
        Assert.Equal(ProtectionMode.Protected, h.Manager.Mode);
    }
}
