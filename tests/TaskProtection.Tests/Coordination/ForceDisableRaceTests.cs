using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Coordination;

/// <summary>
/// Interleavings around a force-disable that were suspected of breaking the invariant and do not; kept as
/// regression tests. Judged by the agent's record.
/// </summary>
public sealed class ForceDisableRaceTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Process C starts while A's force-disable waits for B (the mark was made before C started, so C is not told of
    /// it). C must neither adopt the lease that is about to be disabled nor enable before the disable: its waiting session
    /// is admitted only once protection was enabled after the disable, and runs protected from then on.
    /// </summary>
    [Fact]
    public async Task A_process_started_during_a_force_disables_announcement_is_admitted_only_under_protection_enabled_after_it()
    {
        await using var task = new CoordinatedTask(2);
        using CriticalSession a = task[0].Entered("a");
        using CriticalSession b = task[1].Entered("b");
        Task forced = task[0].Manager.ForceDisableProtectionAsync("operator");
        task.Advance(Second);
        Assert.NotNull(task.State.ForceDisable);
        Assert.True(task.Model.IsProtected, "The disable went out before the other holder was told.");

        await using var c = new Harness(sameTask: task[0], coordination: clock => task.Directory.Join(clock, GapBudget.MayLandWithin(new TaskProtectionOptions())));
        Task<CriticalSession> entering = c.EnterAsync("c");
        DateTimeOffset? admittedAt = null;
        for (int i = 0; i < 120 && admittedAt is null; i++)
        {
            task.Advance(Second);
            if (entering.IsCompleted)
            {
                admittedAt = task.Clock.GetUtcNow();
            }
        }

        Assert.True(forced.IsCompletedSuccessfully);
        Assert.True(entering.IsCompletedSuccessfully, "C's session was never admitted.");
        AgentCall disable = Assert.Single(task.Puts(enabled: false));
        Assert.Contains(task.Puts(enabled: true), call => call.ReceivedAt >= disable.ReceivedAt && call.ReceivedAt <= admittedAt);
        task.Advance(TimeSpan.FromMinutes(20));
        DateTimeOffset now = task.Clock.GetUtcNow();
        Assert.DoesNotContain(task.Model.UnprotectedIntervals(admittedAt!.Value), g => g.To > admittedAt && g.From < now && !c.Manager.ProtectionLostToken.IsCancellationRequested);
        entering.Result.Dispose();
    }

    /// <summary>
    /// Process A is stopped (SIGTERM) while its force-disable waits for process B to let go. Its release on stop is a
    /// release, skipped while B holds; B hears of the mark and tells its session before any disable reaches the agent.
    /// </summary>
    [Fact]
    public async Task A_stop_during_a_force_disables_announcement_sends_nothing_before_the_other_process_was_told()
    {
        await using var task = new CoordinatedTask(2);
        using CriticalSession a = task[0].Entered("a");
        using CriticalSession b = task[1].Entered("b");
        CancellationToken bLost = task[1].Manager.ProtectionLostToken;
        var untoldDisables = new List<DateTimeOffset>();
        task.Model.FaultPolicy = call =>
        {
            if (call.Body.Contains("\"ProtectionEnabled\":false", StringComparison.Ordinal) && !bLost.IsCancellationRequested)
            {
                untoldDisables.Add(call.SentAt);
            }

            return null;
        };

        _ = task[0].Manager.ForceDisableProtectionAsync("operator");
        task.Advance(Second);
        Assert.NotNull(task.State.ForceDisable);
        await task[0].StopAsync();
        task.Advance(TimeSpan.FromMinutes(20));

        Assert.Empty(untoldDisables);
        DateTimeOffset now = task.Clock.GetUtcNow();
        Assert.DoesNotContain(task.Model.UnprotectedIntervals(task[0].Start), g => g.From < now && !bLost.IsCancellationRequested);
    }

    /// <summary>
    /// A force-disable races with a renewal: B's renewal is out (the agent answers after 8 s, within RequestTimeout) when A
    /// forces. A's announcement waits for the call lock, B's renewal is confirmed, then B hears of the mark: B is told
    /// before the disable reaches the agent, and nothing enables afterwards.
    /// </summary>
    [Fact]
    public async Task A_force_disable_made_while_another_processs_renewal_is_out_is_told_there_first_and_not_undone()
    {
        await using var task = new CoordinatedTask(2);
        using CriticalSession b = task[1].Entered("b");
        task.Advance(Second);
        using CriticalSession a = task[0].Entered("a");
        DateTimeOffset renewalDue = task.Model.ExpiresAt!.Value - task[1].Options.ProtectionBuffer;
        CancellationToken bLost = task[1].Manager.ProtectionLostToken;
        bool? bToldAtDisable = null;
        task.Model.FaultPolicy = call =>
        {
            if (call.Body.Contains("\"ProtectionEnabled\":false", StringComparison.Ordinal))
            {
                bToldAtDisable ??= bLost.IsCancellationRequested;
                return null;
            }

            return call.SentAt >= renewalDue - Second ? AgentFault.Latency(TimeSpan.Zero, 8 * Second) : null;
        };

        task.AdvanceTo(renewalDue - task[0].Start + Second);
        int enablesBefore = task.Puts(enabled: true).Count;
        Task forced = task[0].Manager.ForceDisableProtectionAsync("operator");
        task.Advance(TimeSpan.FromMinutes(1));

        Assert.True(forced.IsCompletedSuccessfully);
        Assert.True(enablesBefore >= 2, "No renewal was out when the force-disable was made: the test tests nothing.");
        Assert.True(bToldAtDisable, "The disable reached the agent before B was told.");
        AgentCall disable = Assert.Single(task.Puts(enabled: false));
        task.Advance(TimeSpan.FromMinutes(20));
        Assert.DoesNotContain(task.Puts(enabled: true), call => call.ReceivedAt > disable.ReceivedAt);
        Assert.False(task.Model.IsProtected);
    }
}
