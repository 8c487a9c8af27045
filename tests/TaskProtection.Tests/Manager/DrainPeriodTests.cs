using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// The drain belongs to one period of continuous protection: when that period ends in a lapse, the new one is neither
/// reported as draining nor followed by a cool-down it did not earn.
/// </summary>
public sealed class DrainPeriodTests
{
    [Fact]
    public async Task A_drain_does_not_outlive_the_continuous_protection_it_was_for()
    {
        // Interleaving: the drain starts at 30 min (cap 1 h, drain 30 min). The process is starved from 34:59 to 36:55;
        // the renewal due at 35:00 goes out at 36:55 and lands 8 s later, after the lease ended at 37:00: a lapse (told),
        // and the confirmation starts a new continuous period (ProtectedSince 36:55, cap at 1:36:55). A drain that outlived
        // its period would keep saying Draining for the new one, and when the running session ends the release would
        // start a cool-down: new work refused for 5 minutes although the task has been protected for under 4.
        await using var h = StarvedInTheDrain();
        CriticalSession running = EnteredBeforeTheDrain(h);
        h.AdvanceTo(TimeSpan.FromSeconds(2230));
        Assert.Equal(1, h.Manager.GetStatus().Lapses);
        Assert.Equal(h.Start + TimeSpan.FromSeconds(2215), h.Manager.GetStatus().ProtectedSince);
        ProtectionMode afterLapse = h.Manager.Mode;

        running.Dispose();
        h.AdvanceTo(TimeSpan.FromSeconds(2240));
        ProtectionMode afterRelease = h.Manager.Mode;
        bool refused = false;
        try
        {
            (await h.EnterAsync("next")).Dispose();
        }
        catch (CriticalSessionRefusedException)
        {
            refused = true;
        }

        Assert.True(
            afterLapse == ProtectionMode.Protected && !refused,
            $"After the lapse started a new continuous period: mode {afterLapse} (expected Protected); after the release: {afterRelease}; a new session refused: {refused}.");
    }

    [Fact]
    public async Task A_period_started_after_a_lapse_in_the_drain_earns_no_cool_down()
    {
        // As above, but the session ends while the late renewal is out: the confirmation (after the lease ended) starts a
        // new continuous period with no session left, so the loop goes straight to the release. A drain still marked
        // from the old period would end there and start a cool-down the new period did not earn.
        await using var h = StarvedInTheDrain();
        CriticalSession running = EnteredBeforeTheDrain(h);
        h.AdvanceTo(TimeSpan.FromSeconds(2218));
        running.Dispose();
        h.AdvanceTo(TimeSpan.FromSeconds(2240));
        Assert.Equal(1, h.Manager.GetStatus().Lapses);
        Assert.False(h.Model.IsProtected);

        ProtectionMode afterRelease = h.Manager.Mode;
        Task<CriticalSession> next = h.EnterAsync("next");
        h.AdvanceTo(TimeSpan.FromSeconds(2250));
        Assert.True(next.IsCompletedSuccessfully, $"After a release that ended a period of under a minute, a new session was refused (mode {afterRelease}): {next.Exception?.InnerException?.Message}");
        next.Result.Dispose();
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
