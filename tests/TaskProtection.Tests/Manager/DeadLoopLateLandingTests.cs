using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// A force-disable sent after the loop died, while a renewal the loop gave up on may still land: the loop's own
/// force-disable disables again once such an enable can no longer land; the one sent without the loop must leave the task
/// unprotected too, not protected for a whole lease by the late landing.
/// </summary>
public sealed class DeadLoopLateLandingTests
{
    [Fact]
    public async Task A_force_disable_after_the_loop_died_is_not_undone_by_a_renewal_that_lands_after_it()
    {
        // Interleaving: the renewal at 300 s reaches ECS only at 314 s and never answers; the loop gives up on it at 310 s
        // (RequestTimeout), logs the retry (1020), and then dies (its timers fail). At 311 s the operator force-disables:
        // with no loop, the manager sends the disable itself (lands at 311 s). The abandoned renewal lands at 314 s and
        // protects the task for 7 more minutes; nothing disables again.
        BreakableTimeProvider? time = null;
        var logger = new OnceAtLogEvent(1020);
        var h = new Harness(logger: logger, managerClock: inner => time = new BreakableTimeProvider(inner));
        using CriticalSession session = h.Entered("transcode");
        logger.Action = () => time!.Broken = true;
        h.Model.Enqueue(new AgentFault(AgentFaultKind.LateLanding, RequestDelay: TimeSpan.FromSeconds(14)));
        h.Clock.AdvanceTo(h.Start + TimeSpan.FromSeconds(310.5));
        Assert.Equal(ProtectionMode.Faulted, h.Manager.Mode);
        time!.Broken = false;
        h.Clock.AdvanceTo(h.Start + TimeSpan.FromSeconds(311));

        Task disable = h.Manager.ForceDisableProtectionAsync("operator: unblock the deployment");
        h.Scheduler.RunUntilIdle();
        h.Clock.AdvanceTo(h.Start + TimeSpan.FromSeconds(312));
        Assert.True(disable.IsCompletedSuccessfully);
        Assert.False(h.Model.IsProtected, "Force-disabled at 311 s.");
        h.Clock.AdvanceTo(h.Start + TimeSpan.FromSeconds(340));

        bool protectedAgain = h.Model.IsProtected;
        DateTimeOffset? until = h.Model.ExpiresAt;
        await h.StopAsync();
        Assert.False(protectedAgain, $"The renewal abandoned at 310 s landed at 314 s after the force-disable: protected until {until - h.Start}, with no loop to disable again.");
    }
}
