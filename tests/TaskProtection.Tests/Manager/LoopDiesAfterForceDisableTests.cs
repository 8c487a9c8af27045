using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// The loop's own force-disable, sent while a renewal it gave up on may still land, is repeated once that renewal can no
/// longer land. If the loop dies in between, nothing repeats it: the force-disable must not be undone by the late renewal
/// all the same, as one sent after the loop died is not.
/// </summary>
public sealed class LoopDiesAfterForceDisableTests
{
    [Fact]
    public async Task A_force_disable_is_not_undone_by_a_late_renewal_when_the_loop_dies_before_disabling_again()
    {
        // Interleaving: the renewal at 300 s reaches ECS only at 314 s and never answers; the loop gives up on it at 310 s
        // (RequestTimeout). At 311 s the operator force-disables through the live loop: the disable lands at 311 s and is
        // confirmed, and the loop waits to disable again at 315 s (when the renewal can no longer land). At 312 s the
        // session ends (a wake) while the loop's timers fail: the loop dies. The abandoned renewal lands at 314 s and
        // protects the task for 7 more minutes; nothing disables again.
        BreakableTimeProvider? time = null;
        var h = new Harness(managerClock: inner => time = new BreakableTimeProvider(inner));
        CriticalSession session = h.Entered("transcode");
        h.Model.Enqueue(new AgentFault(AgentFaultKind.LateLanding, RequestDelay: TimeSpan.FromSeconds(14)));
        h.AdvanceTo(TimeSpan.FromSeconds(311));
        Assert.True(h.Model.IsProtected, "The lease from 0 s is on until 420 s.");
        Task disable = h.Manager.ForceDisableProtectionAsync("operator: unblock the deployment");
        h.Pump();
        h.AdvanceTo(TimeSpan.FromSeconds(311.5));
        Assert.True(disable.IsCompletedSuccessfully, $"The force-disable was answered: {disable.Status}.");
        Assert.False(h.Model.IsProtected, "Force-disabled at 311 s.");

        // The step's wait and the backoff's wait fail: the loop dies; timers work again after that.
        time!.FailNext = 2;
        session.Dispose();
        h.Scheduler.RunUntilIdle();
        Assert.Equal(ProtectionMode.Faulted, h.Manager.Mode);
        Assert.Equal(0, time.FailNext);
        h.Clock.AdvanceTo(h.Start + TimeSpan.FromSeconds(340));

        bool protectedAgain = h.Model.IsProtected;
        DateTimeOffset? until = h.Model.ExpiresAt;
        await h.StopAsync();
        Assert.False(protectedAgain, $"The renewal abandoned at 310 s landed at 314 s after the loop's force-disable at 311 s: protected until {until - h.Start}, and the loop that would disable again died at 312 s.");
    }
}
