using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// MaxProtectionDrain end to end, judged by the agent's record: in the last part of continuous protection new sessions
/// are refused (whatever AcquireTimeoutBehavior says), the running ones finish protected, the release starts the
/// cool-down, and afterwards the task takes work again.
/// </summary>
public sealed class CapDrainTests
{
    private static readonly TimeSpan Cap = TimeSpan.FromHours(1);
    private static readonly TimeSpan Drain = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan Cooldown = TimeSpan.FromMinutes(5);

    private static TaskProtectionOptions Options(AcquireTimeoutBehavior behavior = AcquireTimeoutBehavior.Proceed) => new()
    {
        MaxProtectionDuration = Cap,
        MaxProtectionDrain = Drain,
        AcquireTimeoutBehavior = behavior,
    };

    [Theory]
    [InlineData(AcquireTimeoutBehavior.Proceed)]
    [InlineData(AcquireTimeoutBehavior.Throw)]
    public async Task A_session_entering_in_the_drain_is_refused_while_the_running_one_stays_protected(AcquireTimeoutBehavior behavior)
    {
        await using var h = new Harness(Options(behavior));
        CriticalSession running = h.Entered("transcode");
        h.AdvanceTo(Cap - Drain - TimeSpan.FromSeconds(1));
        h.Entered("short").Dispose();
        h.AdvanceTo(Cap - Drain);

        CriticalSessionRefusedException refused = await Assert.ThrowsAsync<CriticalSessionRefusedException>(() => h.EnterAsync("late"));

        Assert.Contains("Critical session 'late' was not started: the task is draining", refused.Message, StringComparison.Ordinal);
        Assert.Equal(ProtectionMode.Draining, h.Manager.Mode);
        Assert.Equal(1, h.Registry.ActiveCount);
        Assert.False(h.Manager.ProtectionLostToken.IsCancellationRequested, "The running session is still protected: nothing to tell.");
        Assert.Throws<CriticalSessionRefusedException>(() => h.Registry.Enter("late-synchronous"));
        Assert.Equal(1, h.Registry.ActiveCount);

        h.AdvanceTo(Cap - TimeSpan.FromMinutes(10));
        running.Dispose();
        h.AdvanceTo(Cap - TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(6));

        // Protected from the first enable until the release a ReleaseDelay after the last session: no gap while it ran.
        UnprotectedInterval gap = Assert.Single(h.Model.UnprotectedIntervals(h.Start));
        Assert.Equal(h.Start + Cap - TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(5), gap.From);
        Assert.Equal(0, h.Manager.GetStatus().Lapses);
    }

    [Fact]
    public async Task The_release_after_the_drain_starts_the_cool_down_then_work_is_taken_again()
    {
        await using var h = new Harness(Options());
        CriticalSession running = h.Entered("transcode");
        h.AdvanceTo(TimeSpan.FromMinutes(40));
        running.Dispose();
        h.AdvanceTo(TimeSpan.FromMinutes(40) + TimeSpan.FromSeconds(5));
        DateTimeOffset released = h.Start + TimeSpan.FromMinutes(40) + TimeSpan.FromSeconds(5);
        Assert.False(h.Model.IsProtected);
        TaskProtectionStatus status = h.Manager.GetStatus();
        Assert.Equal(ProtectionMode.Capped, status.Mode);
        Assert.Equal(released + Cooldown, status.CooldownEndsAt);

        // In the cool-down nothing starts unprotected, even under Proceed: the task is ECS's to take.
        h.AdvanceTo(TimeSpan.FromMinutes(43));
        CriticalSessionRefusedException refused = await Assert.ThrowsAsync<CriticalSessionRefusedException>(() => h.EnterAsync("during-cooldown"));
        Assert.Contains("New work is left for another task until then", refused.Message, StringComparison.Ordinal);
        Assert.False(h.Model.IsProtected);

        h.AdvanceTo(released - h.Start + Cooldown);
        using CriticalSession after = h.Entered("after-cooldown");
        Assert.True(h.Model.IsProtected);
        Assert.Equal(ProtectionMode.Protected, h.Manager.Mode);
        Assert.Equal(h.Start + (released - h.Start) + Cooldown, h.Manager.GetStatus().ProtectedSince);
    }

    [Fact]
    public async Task A_session_longer_than_the_drain_is_told_at_the_cap_and_nothing_new_starts_meanwhile()
    {
        await using var h = new Harness(Options());
        using CriticalSession endless = h.Entered("endless");
        ProtectionLostEventArgs? told = null;
        h.Manager.ProtectionLost += (_, e) => told = e;

        h.AdvanceTo(Cap - TimeSpan.FromSeconds(120));

        Assert.Equal(ProtectionLossReason.MaxDurationReached, told?.Reason);
        Assert.True(h.Model.IsProtected, "Told a buffer before ECS drops protection.");
        h.AdvanceTo(Cap + TimeSpan.FromMinutes(1));
        Assert.False(h.Model.IsProtected);
        await Assert.ThrowsAsync<CriticalSessionRefusedException>(() => h.EnterAsync("late"));
        h.AdvanceTo(Cap + Cooldown);
        Assert.True(h.Model.IsProtected, "The session still running is protected again after the cool-down, as without a drain.");
    }

    [Fact]
    public async Task Without_a_session_at_the_drain_nothing_changes()
    {
        await using var h = new Harness(Options());
        h.Entered("short").Dispose();
        h.AdvanceTo(Cap);

        Assert.Equal(ProtectionMode.Idle, h.Manager.Mode);
        using CriticalSession later = h.Entered("later");
        Assert.True(h.Model.IsProtected);
    }

    [Fact]
    public void The_default_drain_lets_hour_long_sessions_end_before_a_two_hour_cap()
    {
        var options = new TaskProtectionOptions();

        Assert.Equal(TimeSpan.FromHours(2), options.MaxProtectionDuration);
        Assert.Null(options.MaxProtectionDrain);
        Assert.Equal(TimeSpan.FromHours(1), options.CapDrain);
        Assert.Empty(TaskProtectionOptionsValidator.FindFailures(options));
    }

    [Theory]
    [InlineData(60, 30)]
    [InlineData(10, 3)]
    [InlineData(7, 0)]
    public void Unset_the_drain_is_half_the_cap_and_always_leaves_a_lease_for_work(int capMinutes, int drainMinutes)
    {
        var options = new TaskProtectionOptions { MaxProtectionDuration = TimeSpan.FromMinutes(capMinutes) };

        Assert.Equal(TimeSpan.FromMinutes(drainMinutes), options.CapDrain);
        Assert.Empty(TaskProtectionOptionsValidator.FindFailures(options));
    }
}
