using Microsoft.Extensions.Logging.Testing;
using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Coordination;

/// <summary>Several processes of one task sharing protection through one coordination store, on one simulated clock.</summary>
public sealed class CoordinationTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task The_tasks_processes_drain_together_before_the_tasks_cap_and_keep_their_running_sessions_protected()
    {
        // The cap is the task's: its period began when the first process acquired, whenever the second joined.
        await using var task = new CoordinatedTask(2, _ => new TaskProtectionOptions { MaxProtectionDuration = TimeSpan.FromHours(1), MaxProtectionDrain = TimeSpan.FromMinutes(30) });
        using CriticalSession a = task[0].Entered("a");
        task.Advance(TimeSpan.FromMinutes(20));
        using CriticalSession b = task[1].Entered("b");

        task.Advance(TimeSpan.FromMinutes(20));

        Assert.Equal(TimeSpan.FromMinutes(30), task[0].Manager.Options.CapDrain);
        foreach (Harness process in task.Processes)
        {
            CriticalSessionRefusedException refused = await Assert.ThrowsAsync<CriticalSessionRefusedException>(() => process.EnterAsync("new"));
            Assert.Equal(SessionRefusalReason.DrainingBeforeCap, refused.Reason);
        }

        Assert.True(task.Model.IsProtected);
        Assert.False(task[0].Manager.ProtectionLostToken.IsCancellationRequested);
        Assert.False(task[1].Manager.ProtectionLostToken.IsCancellationRequested);
    }

    [Fact]
    public async Task Stuck_sessions_in_two_processes_an_hour_apart_keep_the_task_protected_no_longer_than_its_cap_at_a_time()
    {
        // Before, each process ran its own cap and the other's renewals raised the shared expiry: the task stayed
        // protected for seven hours. Now the period is the task's: protected at most the cap at a time, then released
        // for the cool-down, whatever process holds what.
        TimeSpan cap = TimeSpan.FromHours(2);
        TimeSpan cooldown = TimeSpan.FromMinutes(5);
        await using var task = new CoordinatedTask(2, _ => new TaskProtectionOptions { MaxProtectionDuration = cap, MaxProtectionDrain = TimeSpan.Zero });
        var told = new List<ProtectionLossReason>[] { [], [] };
        task[0].Manager.ProtectionLost += (_, e) => told[0].Add(e.Reason);
        task[1].Manager.ProtectionLost += (_, e) => told[1].Add(e.Reason);
        using CriticalSession early = task[0].Entered("stuck at 0:00");
        task.AdvanceTo(TimeSpan.FromHours(1));
        using CriticalSession late = task[1].Entered("stuck at 1:00");

        task.AdvanceTo(TimeSpan.FromHours(7));

        IReadOnlyList<UnprotectedInterval> gaps = task.Model.UnprotectedIntervals(task[0].Start);
        DateTimeOffset protectedFrom = task[0].Start;
        foreach (UnprotectedInterval gap in gaps.Where(g => g.From > task[0].Start))
        {
            Assert.InRange(gap.From - protectedFrom, TimeSpan.Zero, cap);
            Assert.True(gap.To == DateTimeOffset.MaxValue || gap.To - gap.From >= cooldown, $"A cool-down of {gap.To - gap.From} at {gap.From - task[0].Start}.");
            protectedFrom = gap.To;
        }

        Assert.True(gaps.Count >= 3, "Three periods at most in seven hours, each followed by a cool-down.");
        Assert.Contains(ProtectionLossReason.MaxDurationReached, told[0]);
        Assert.Contains(ProtectionLossReason.MaxDurationReached, told[1]);
    }

    [Fact]
    public async Task A_process_that_joins_after_a_force_disable_protects_its_own_sessions()
    {
        // A force-disable is an override of the protection in force, not a ban: a process starting after it must not
        // take it as its own and refuse every enable.
        await using var task = new CoordinatedTask(1);
        using CriticalSession a = task[0].Entered("a");
        Task forced = task[0].Manager.ForceDisableProtectionAsync("operator");
        task.Advance(10 * Second);
        Assert.True(forced.IsCompletedSuccessfully);
        Assert.False(task.Model.IsProtected);

        await using var joining = new Harness(sameTask: task[0], coordination: clock => task.Directory.Join(clock, GapBudget.MayLandWithin(new TaskProtectionOptions())));
        using CriticalSession b = joining.Entered("b");

        Assert.True(task.Model.IsProtected);
        Assert.False(joining.Manager.ProtectionLostToken.IsCancellationRequested);
        DateTimeOffset joinedAt = task.Clock.GetUtcNow();
        task.Advance(TimeSpan.FromMinutes(30));
        DateTimeOffset now = task.Clock.GetUtcNow();
        Assert.DoesNotContain(task.Model.UnprotectedIntervals(task[0].Start), g => g.To > joinedAt && g.From < now);
    }

    [Fact]
    public async Task A_process_whose_sessions_end_does_not_release_while_another_still_holds_sessions()
    {
        await using var task = new CoordinatedTask(2);
        CriticalSession a = task[0].Entered("a");
        CriticalSession b = task[1].Entered("b");

        a.Dispose();
        task.Advance(task[0].Options.ReleaseDelay + (10 * Second));

        Assert.Empty(task.Puts(enabled: false));
        Assert.True(task.Model.IsProtected);
        CoordinationStatus first = task[0].Manager.GetStatus().Coordination!;
        Assert.Equal(1, first.ReleasesSkipped);
        Assert.False(first.IsHolder);
        Assert.True(first.OthersHold);

        b.Dispose();
        task.Advance(task[1].Options.ReleaseDelay + Second);

        AgentCall release = Assert.Single(task.Puts(enabled: false));
        Assert.False(task.Model.IsProtected);
        Assert.True(release.ReceivedAt - task[0].Start <= task.Elapsed);
    }

    [Fact]
    public async Task A_process_stopped_mid_session_tells_its_sessions_and_leaves_the_others_protected()
    {
        // The second process only ever adopts the first one's lease, and its own release was skipped; when it stops,
        // nothing renews for its session any more, so it must be told, whatever it last sent itself.
        await using var task = new CoordinatedTask(2);
        CriticalSession first = task[0].Entered("first");
        task.Advance(TimeSpan.FromMinutes(1));
        task[1].Entered("earlier").Dispose();
        task.Advance(task[1].Options.ReleaseDelay + TimeSpan.FromMinutes(1));
        Assert.Equal(1, task[1].Manager.GetStatus().Coordination!.ReleasesSkipped);
        CriticalSession second = task[1].Entered("second");
        task.Advance(TimeSpan.FromMinutes(12));
        Assert.True(task[1].Manager.GetStatus().Coordination!.SharedRenewals > 0);
        var lost = new List<ProtectionLossReason>();
        task[1].Manager.ProtectionLost += (_, e) => lost.Add(e.Reason);

        await task[1].StopAsync();
        task[0].Pump();

        Assert.True(task[1].Manager.ProtectionLostToken.IsCancellationRequested);
        Assert.Equal([ProtectionLossReason.Stopped], lost);
        Assert.False(task[0].Manager.ProtectionLostToken.IsCancellationRequested);
        Assert.Empty(task.Puts(enabled: false));
        task.Advance(TimeSpan.FromMinutes(20));
        Assert.DoesNotContain(task.Model.UnprotectedIntervals(task[0].Start), g => g.From < task.Clock.GetUtcNow());
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public async Task The_last_process_to_finish_releases_whichever_it_is()
    {
        await using var task = new CoordinatedTask(3);
        CriticalSession[] sessions = [task[0].Entered(), task[1].Entered(), task[2].Entered()];

        sessions[1].Dispose();
        task.Advance(TimeSpan.FromMinutes(1));
        sessions[2].Dispose();
        task.Advance(TimeSpan.FromMinutes(1));
        Assert.True(task.Model.IsProtected);
        sessions[0].Dispose();
        task.Advance(task[0].Options.ReleaseDelay + Second);

        Assert.Single(task.Puts(enabled: false));
        Assert.False(task.Model.IsProtected);
    }

    [Fact]
    public async Task Holders_share_renewals_so_agent_calls_stay_at_the_single_process_count()
    {
        // Three processes hold sessions for 50 minutes, entering a minute apart: one acquire, then a renewal every
        // 5 minutes for the task, exactly what one process alone makes; the others adopt the shared lease.
        await using var task = new CoordinatedTask(3);
        var sessions = new List<CriticalSession> { task[0].Entered() };
        task.Advance(TimeSpan.FromMinutes(1));
        sessions.Add(task[1].Entered());
        task.Advance(TimeSpan.FromMinutes(1));
        sessions.Add(task[2].Entered());
        task.AdvanceTo(TimeSpan.FromMinutes(50));

        await using var alone = new Harness();
        alone.Entered();
        alone.AdvanceTo(TimeSpan.FromMinutes(50));
        Assert.Equal(alone.Puts(enabled: true).Count, task.Puts(enabled: true).Count);
        Assert.DoesNotContain(task.Model.UnprotectedIntervals(task[0].Start), g => g.From < task.Clock.GetUtcNow());
        Assert.True(task[1].Manager.GetStatus().Coordination!.SharedRenewals > 0);
        foreach (CriticalSession session in sessions)
        {
            session.Dispose();
        }
    }

    [Fact]
    public async Task A_process_that_dies_stops_counting_at_once()
    {
        await using var task = new CoordinatedTask(2);
        task[0].Entered("killed mid-session");
        CriticalSession b = task[1].Entered("b");
        task.Advance(TimeSpan.FromMinutes(1));

        task.Kill(0);
        b.Dispose();
        task.Advance(task[1].Options.ReleaseDelay + Second);

        Assert.Single(task.Puts(enabled: false));
        Assert.False(task.Model.IsProtected);
    }

    [Fact]
    public async Task When_the_last_holder_dies_a_process_that_skipped_its_release_releases_for_the_task()
    {
        await using var task = new CoordinatedTask(2);
        CriticalSession a = task[0].Entered("a");
        task[1].Entered("killed mid-session");
        a.Dispose();
        task.Advance(task[0].Options.ReleaseDelay + Second);
        Assert.True(task.Model.IsProtected);

        task.Kill(1);
        TimeSpan killedAt = task.Elapsed;
        task.Advance(task[0].Options.ReleaseDelay + Second);

        AgentCall release = Assert.Single(task.Puts(enabled: false));
        Assert.False(task.Model.IsProtected);
        Assert.InRange(release.ReceivedAt - task[0].Start - killedAt, TimeSpan.Zero, task[0].Options.ReleaseDelay);
    }

    [Fact]
    public async Task A_force_disable_in_one_process_disables_for_the_task_and_every_process_is_told()
    {
        await using var task = new CoordinatedTask(2);
        task[0].Entered("a");
        task[1].Entered("b");
        CancellationToken bLost = task[1].Manager.ProtectionLostToken;
        var reasons = new List<ProtectionLossReason>();
        task[1].Manager.ProtectionLost += (_, e) => reasons.Add(e.Reason);
        bool? bToldWhenDisabled = null;
        task.Model.FaultPolicy = call =>
        {
            if (call.Body.Contains("\"ProtectionEnabled\":false", StringComparison.Ordinal))
            {
                bToldWhenDisabled ??= bLost.IsCancellationRequested;
            }

            return null;
        };

        // The other process hears of it at its next look (every 5 s at most), tells its session, and lets go; only then
        // does the disable go out, well within the announcement's bound.
        Task forced = task[0].Manager.ForceDisableProtectionAsync("deployment blocked");
        task.Advance(10 * Second);

        Assert.True(forced.IsCompletedSuccessfully);
        Assert.False(task.Model.IsProtected);
        Assert.True(bLost.IsCancellationRequested);
        Assert.Equal([ProtectionLossReason.ForceDisabled], reasons);
        Assert.Single(task.Puts(enabled: false));
        Assert.True(bToldWhenDisabled, "The disable reached the agent before the other process's session was told.");

        // And the other process does not undo it with its next renewal.
        task.Advance(TimeSpan.FromMinutes(10));
        Assert.False(task.Model.IsProtected);
        Assert.Single(task.Puts(enabled: true));
    }

    [Fact]
    public async Task A_force_disable_goes_out_at_its_bound_when_another_process_never_lets_go_and_says_so()
    {
        // The other process holds sessions and never looks (its loop stalled): an emergency disable still goes out.
        await using var task = new CoordinatedTask(1);
        using FileCoordinationStore stalled = task.Directory.Join(task.Clock, TimeSpan.Zero);
        ValueTask<ICoordinationSession> locking = stalled.LockAsync(CancellationToken.None);
        task[0].Pump();
        using (ICoordinationSession session = locking.AsTask().GetAwaiter().GetResult())
        {
            session.BecomeHolder();
        }

        var logger = new FakeLogger();
        await using var forcing = new Harness(sameTask: task[0], logger: logger, coordination: clock => task.Directory.Join(clock, GapBudget.MayLandWithin(new TaskProtectionOptions())));
        using CriticalSession a = forcing.Entered("a");

        Task forced = forcing.Manager.ForceDisableProtectionAsync("operator");
        TimeSpan bound = CoordinatedBackend.AnnounceWithin(forcing.Options);
        task.Advance(bound - Second);
        Assert.True(task.Model.IsProtected);
        task.Advance(2 * Second);

        Assert.True(forced.IsCompletedSuccessfully);
        Assert.False(task.Model.IsProtected);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 1086);
    }

    [Fact]
    public async Task A_corrupt_state_is_not_trusted_an_enable_waits_until_a_release_could_no_longer_land()
    {
        await using var task = new CoordinatedTask(1);
        task.Directory.Corrupt();

        Task<CriticalSession> entering = task[0].EnterAsync();
        task.Advance(TimeSpan.FromSeconds(10));
        Assert.False(entering.IsCompleted);
        Assert.Empty(task.Puts(enabled: true));

        TaskProtectionOptions o = task[0].Options;
        task.Advance(o.RequestTimeout + GapBudget.LateLandingWindow + o.RetryMaxDelay);
        Assert.True(entering.IsCompletedSuccessfully);
        Assert.True(task.Model.IsProtected);
        Assert.NotNull(task.State.ExpiresAt);
        entering.Result.Dispose();
    }

    [Fact]
    public async Task Status_shows_the_holders_the_last_call_and_the_shared_expiry()
    {
        await using var task = new CoordinatedTask(2);
        task[0].Entered();
        task.Advance(Second);
        task[1].Entered();

        CoordinationStatus second = task[1].Manager.GetStatus().Coordination!;

        Assert.True(second.IsHolder);
        Assert.Equal(task.Participant(0), second.LastCallBy);
        Assert.Equal(task[0].Start, second.LastCallAt);
        Assert.Equal(task[0].Start + task[0].Options.LeaseDuration, second.SharedExpiresAt);
        Assert.Equal(1, second.SharedRenewals);
        Assert.Equal("(in memory)", second.Directory);
        Assert.Single(task.Puts(enabled: true));
    }

    [Fact]
    public async Task Without_coordination_the_status_has_none()
    {
        await using var h = new Harness();
        Assert.Null(h.Manager.GetStatus().Coordination);
    }
}
