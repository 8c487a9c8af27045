using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// A lapse in the drain does not start a new period: the late renewal left before the lease ended and may have reached ECS
/// in time, so for the cap the task may have been protected without a break since the period began. The drain and the
/// cool-down after it stand (a fresh cap here would let the task be protected for longer than MaxProtectionDuration).
/// </summary>
public sealed class DrainPeriodTests
{
    [Fact]
    public async Task A_lapse_in_the_drain_is_told_and_the_drain_goes_on()
    {
        // The drain starts at 30 min (cap 1 h, drain 30 min). The process is starved from 34:59 to 36:55; the renewal due
        // at 35:00 goes out at 36:55 and lands 8 s later, after the lease ended at 37:00: a lapse, told. The period still
        // began at 0 s: new sessions stay refused, and after the running session ends the release starts the cool-down.
        await using var h = StarvedInTheDrain();
        CriticalSession running = EnteredBeforeTheDrain(h);
        CancellationToken lost = h.Manager.ProtectionLostToken;
        h.AdvanceTo(TimeSpan.FromSeconds(2230));
        TaskProtectionStatus status = h.Manager.GetStatus();
        Assert.Equal(1, status.Lapses);
        Assert.True(lost.IsCancellationRequested, "The lapse was not told.");
        Assert.Equal(h.Start, status.ProtectedSince);
        Assert.Equal(ProtectionMode.Draining, h.Manager.Mode);

        running.Dispose();
        h.AdvanceTo(TimeSpan.FromSeconds(2240));
        Assert.False(h.Model.IsProtected);
        await Assert.ThrowsAsync<CriticalSessionRefusedException>(() => h.EnterAsync("next"));
    }

    [Fact]
    public async Task A_session_that_ends_while_the_late_renewal_is_out_is_followed_by_the_cool_down()
    {
        // As above, but the session ends while the late renewal is out: the confirmation (after the lease ended) finds no
        // session, so the loop releases at once, and the cool-down follows the drain of the period that began at 0 s.
        await using var h = StarvedInTheDrain();
        CriticalSession running = EnteredBeforeTheDrain(h);
        h.AdvanceTo(TimeSpan.FromSeconds(2218));
        running.Dispose();
        h.AdvanceTo(TimeSpan.FromSeconds(2240));
        Assert.Equal(1, h.Manager.GetStatus().Lapses);
        Assert.False(h.Model.IsProtected);
        Assert.NotNull(h.Manager.GetStatus().CooldownEndsAt);

        await Assert.ThrowsAsync<CriticalSessionRefusedException>(() => h.EnterAsync("next"));
        h.Advance(h.Options.MaxProtectionCooldown);
        using CriticalSession later = await h.EnterAsync("later");
        Assert.True(h.Model.IsProtected);
    }

    /// <summary>Cap 1 h, drain 30 min; the process is starved from 34:59 to 36:55, so the renewal due at 35:00 goes out at 36:55.</summary>
    private static Harness StarvedInTheDrain()
    {
        static TimeSpan Late(DateTimeOffset due)
        {
            TimeSpan at = due - SimulatedClock.Epoch;
            TimeSpan until = TimeSpan.FromSeconds(2215);
            return at >= TimeSpan.FromSeconds(2099) && at < until ? until - at : TimeSpan.Zero;
        }

        return new Harness(
            new TaskProtectionOptions { MaxProtectionDuration = TimeSpan.FromHours(1), MaxProtectionDrain = TimeSpan.FromMinutes(30) },
            lateness: Late);
    }

    /// <summary>A session from 0 s, in the drain at 31 min; the late renewal will land 8 s after it is sent, after the lease ended.</summary>
    private static CriticalSession EnteredBeforeTheDrain(Harness h)
    {
        CriticalSession running = h.Entered("transcode");
        h.AdvanceTo(TimeSpan.FromMinutes(31));
        Assert.Equal(ProtectionMode.Draining, h.Manager.Mode);
        h.Model.Enqueue(AgentFault.Latency(TimeSpan.FromSeconds(8)));
        return running;
    }
}
