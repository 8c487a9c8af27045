using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// StopTakingWork (a deployment replacing the task, say) and the admission signal job frameworks pause on, judged by the
/// agent's record: no new session starts, the running one finishes protected, the release follows at once.
/// </summary>
public sealed class StopTakingWorkTests
{
    [Fact]
    public async Task New_sessions_are_refused_the_running_one_finishes_protected_and_the_release_follows_at_once()
    {
        await using var h = new Harness();
        CriticalSession running = h.Entered("transcode");
        h.AdvanceTo(TimeSpan.FromMinutes(1));

        h.Manager.StopTakingWork("the service is replacing this task (deployment ecs-svc/2)");
        h.Pump();

        CriticalSessionRefusedException refused = await Assert.ThrowsAsync<CriticalSessionRefusedException>(() => h.EnterAsync("late"));
        Assert.Equal(SessionRefusalReason.StoppedTakingWork, refused.Reason);
        Assert.Contains("the task stopped taking work (the service is replacing this task (deployment ecs-svc/2))", refused.Message, StringComparison.Ordinal);
        CriticalSessionRefusedException refusedSync = Assert.Throws<CriticalSessionRefusedException>(() => h.Registry.Enter("late-synchronous"));
        Assert.Equal(SessionRefusalReason.StoppedTakingWork, refusedSync.Reason);
        Assert.Equal(1, h.Registry.ActiveCount);
        Assert.Equal(ProtectionMode.Draining, h.Manager.Mode);
        Assert.False(h.Manager.Admission.IsAccepting);

        // The job runs on past its first lease: renewed as usual, and nothing to tell.
        h.AdvanceTo(TimeSpan.FromMinutes(12));
        Assert.True(h.Puts(enabled: true).Count >= 3);
        Assert.False(h.Manager.ProtectionLostToken.IsCancellationRequested);
        running.Dispose();
        h.Pump();

        // Released at once, not a ReleaseDelay later, and no cool-down: the task is idle, refusing work, unprotected.
        UnprotectedInterval gap = Assert.Single(h.Model.UnprotectedIntervals(h.Start));
        Assert.Equal(h.Start + TimeSpan.FromMinutes(12), gap.From);
        Assert.Equal(ProtectionMode.Retired, h.Manager.Mode);
        Assert.Null(h.Manager.GetStatus().CooldownEndsAt);
        Assert.Equal(SessionRefusalReason.StoppedTakingWork, h.Manager.GetStatus().Admission.RefusalReason);
        h.AdvanceTo(TimeSpan.FromMinutes(30));
        Assert.Single(h.Puts(enabled: false));
    }

    [Fact]
    public async Task Taking_work_again_while_draining_covers_new_sessions_with_the_lease_already_held()
    {
        await using var h = new Harness();
        using CriticalSession running = h.Entered("transcode");
        h.Manager.StopTakingWork("deployment started");
        h.Pump();
        Assert.Equal(ProtectionMode.Draining, h.Manager.Mode);

        h.Manager.ResumeTakingWork();
        h.Pump();
        using CriticalSession next = h.Entered("next");

        Assert.Equal(ProtectionMode.Protected, h.Manager.Mode);
        Assert.True(h.Manager.Admission.IsAccepting);
        Assert.Single(h.Puts(enabled: true));
    }

    [Fact]
    public async Task Taking_work_again_after_the_release_acquires_for_the_next_session()
    {
        await using var h = new Harness();
        h.Entered("first").Dispose();
        h.Manager.StopTakingWork("deployment started");
        h.Advance(TimeSpan.FromSeconds(1));
        Assert.False(h.Model.IsProtected);
        Assert.Equal(ProtectionMode.Retired, h.Manager.Mode);

        h.Manager.ResumeTakingWork();
        h.Pump();
        using CriticalSession next = h.Entered("next");

        Assert.True(h.Model.IsProtected);
        Assert.Equal(2, h.Puts(enabled: true).Count);
    }

    [Fact]
    public async Task Admission_changes_reach_handlers_in_order_stop_then_resume()
    {
        await using var h = new Harness();
        var heard = new List<AdmissionState>();
        h.Manager.AdmissionChanged += (_, e) => heard.Add(e.State);

        h.Manager.StopTakingWork("deployment started");
        h.Pump();
        h.Manager.ResumeTakingWork();
        h.Pump();

        Assert.Equal([SessionRefusalReason.StoppedTakingWork, SessionRefusalReason.None], heard.Select(s => s.RefusalReason));
        Assert.Contains("deployment started", heard[0].Why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cap_is_heard_as_a_drain_then_a_cool_down_with_its_end_then_taking_work_again()
    {
        var options = new TaskProtectionOptions { MaxProtectionDuration = TimeSpan.FromHours(1), MaxProtectionDrain = TimeSpan.FromMinutes(30) };
        await using var h = new Harness(options);
        var heard = new List<AdmissionState>();
        h.Manager.AdmissionChanged += (_, e) => heard.Add(e.State);
        CriticalSession running = h.Entered("transcode");
        h.AdvanceTo(TimeSpan.FromMinutes(40));
        running.Dispose();
        h.AdvanceTo(TimeSpan.FromMinutes(50));

        Assert.Equal(
            [SessionRefusalReason.DrainingBeforeCap, SessionRefusalReason.CoolingDown, SessionRefusalReason.None],
            heard.Select(s => s.RefusalReason));
        Assert.Equal(h.Start + TimeSpan.FromMinutes(40) + TimeSpan.FromSeconds(5) + options.MaxProtectionCooldown, heard[1].ResumesAt);
    }

    [Fact]
    public async Task Shutdown_is_heard_as_a_refusal()
    {
        await using var h = new Harness();
        var heard = new List<AdmissionState>();
        h.Manager.AdmissionChanged += (_, e) => heard.Add(e.State);

        h.Manager.RequestShutdown();
        h.Pump();

        Assert.Equal(SessionRefusalReason.ShuttingDown, Assert.Single(heard).RefusalReason);
        Assert.Equal(SessionRefusalReason.ShuttingDown, h.Manager.Admission.RefusalReason);
    }
}
