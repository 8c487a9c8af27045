using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// ForceDisableProtectionAsync once the loop has died (mode Faulted) while the host runs on: with no loop to take the
/// request, the manager sends the disable itself and answers the caller.
/// </summary>
public sealed class DeadLoopForceDisableTests
{
    [Fact]
    public async Task A_force_disable_after_the_loop_died_is_sent_and_answered_without_a_stop()
    {
        // Interleaving: the loop dies (its step and the backoff after it both fail); the manager is not stopped (the
        // host runs on). ForceDisableProtectionAsync sees no stop; queued for the loop, no one would take the request: the
        // disable would not be sent and the caller would wait until someone stops the manager, an operator who
        // force-disables to unblock a deployment would get a hang, and the task would stay protected until its lease ran out.
        BreakableTimeProvider? time = null;
        var h = new Harness(managerClock: inner => time = new BreakableTimeProvider(inner));
        using CriticalSession session = h.Entered("transcode");
        time!.Broken = true;
        h.Clock.AdvanceTo(h.Start + TimeSpan.FromSeconds(300));
        Assert.Equal(ProtectionMode.Faulted, h.Manager.Mode);
        time.Broken = false;
        Assert.True(h.Model.IsProtected);

        Task disable = h.Manager.ForceDisableProtectionAsync("operator: unblock the deployment");
        h.Scheduler.RunUntilIdle();
        h.Clock.AdvanceTo(h.Start + TimeSpan.FromSeconds(330));

        bool answered = disable.IsCompletedSuccessfully;
        bool disabled = !h.Model.IsProtected;
        await h.StopAsync();
        await disable.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(answered && disabled, $"After the loop died, 30 s after ForceDisableProtectionAsync: disable sent {disabled}, caller answered {answered}; only the stop answers it.");
    }

    [Fact]
    public async Task A_force_disable_queued_while_the_loop_dies_is_sent_and_answered_without_a_stop()
    {
        // Interleaving: the request is queued while the loop is dying (as it logs its death, 1071), after its last look
        // at the queue: the loop's end must send what it left queued.
        BreakableTimeProvider? time = null;
        var logger = new OnceAtLogEvent(1071);
        var h = new Harness(logger: logger, managerClock: inner => time = new BreakableTimeProvider(inner));
        using CriticalSession session = h.Entered("transcode");
        Task? disable = null;
        logger.Action = () =>
        {
            // The loop is past its last timer: the clock works again for whoever sends the disable.
            time!.Broken = false;
            disable = h.Manager.ForceDisableProtectionAsync("operator: unblock the deployment");
        };
        time!.Broken = true;
        h.Clock.AdvanceTo(h.Start + TimeSpan.FromSeconds(300));
        Assert.Equal(ProtectionMode.Faulted, h.Manager.Mode);
        Assert.NotNull(disable);

        h.Scheduler.RunUntilIdle();
        h.Clock.AdvanceTo(h.Start + TimeSpan.FromSeconds(330));

        bool answered = disable.IsCompletedSuccessfully;
        bool disabled = !h.Model.IsProtected;
        await h.StopAsync();
        await disable.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(answered && disabled, $"Queued as the loop died, 30 s after ForceDisableProtectionAsync: disable sent {disabled}, caller answered {answered}.");
    }
}
