using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Review;

/// <summary>What ForceDisableProtectionAsync does once the loop has died (mode Faulted).</summary>
public sealed class DeadLoopReviewTests
{
    [Fact]
    public async Task A_force_disable_after_the_loop_died_is_sent_or_answered_before_the_stop()
    {
        // Interleaving: the loop dies (its step and the backoff after it both fail); the manager is not stopped (the
        // host runs on). ForceDisableProtectionAsync sees no stop, queues the request for the loop and wakes it; no loop
        // takes it. The disable is not sent and the caller waits until someone stops the manager: an operator who
        // force-disables to unblock a deployment gets a hang, and the task stays protected until its lease runs out.
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

    private sealed class BreakableTimeProvider(TimeProvider inner) : TimeProvider
    {
        public bool Broken { get; set; }

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override long GetTimestamp() => inner.GetTimestamp();

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            Broken ? throw new InvalidOperationException("no timers left") : inner.CreateTimer(callback, state, dueTime, period);
    }
}
