using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Coordination;

/// <summary>
/// Interleavings of several processes of one task, with deaths mid-call and damaged files, that once broke the invariant (no session body runs
/// while the agent holds no protection, untold) or the task-wide cap, judged by the agent's record.
/// </summary>
public sealed class ProcessDeathAndDamageTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Process A releases (no other holder), the disable reaches the agent, and A dies before it writes what the answer
    /// said (SIGKILL, OOM: the window is the agent call's latency). The state still says ExpiresAt from A's last enable,
    /// with a disable that may land. Once that may-land window has passed, process B's acquire finds the stale expiry and
    /// adopts it instead of calling: B's session runs while the agent holds no protection, and B is never told.
    /// </summary>
    [Fact]
    public async Task A_process_killed_after_its_release_reached_the_agent_does_not_leave_an_expiry_another_adopts()
    {
        using var directory = new TaskDirectory();
        var options = new TaskProtectionOptions();
        TimeSpan landing = GapBudget.MayLandWithin(options);
        DyingClient? dying = null;
        FileCoordinationStore? storeA = null;
        await using var a = new Harness(
            options,
            client: inner => dying = new DyingClient(inner),
            coordination: clock => storeA = directory.Join(clock, landing));
        await using var b = new Harness(options, sameTask: a, coordination: clock => directory.Join(clock, landing));
        dying!.OnDisableLanded = () => storeA!.Dispose();

        a.Entered("a").Dispose();
        a.Advance(options.ReleaseDelay + Second);
        Assert.Single(a.Puts(enabled: false));
        Assert.False(a.Model.IsProtected);
        Assert.True(dying.Dead, "A's release did not reach the agent.");

        // B needs protection now: it may not enable while A's release may land, and then it looks at the state.
        DateTimeOffset enteredAt = a.Clock.GetUtcNow();
        Task<CriticalSession> entering = b.EnterAsync("b");
        DateTimeOffset? admittedAt = null;
        _ = entering.ContinueWith(_ => admittedAt = a.Clock.GetUtcNow(), TaskContinuationOptions.ExecuteSynchronously);
        b.Advance(TimeSpan.FromMinutes(2));

        // B waits (it may not enable while A's release may land); its body starts when it is admitted.
        Assert.True(entering.IsCompletedSuccessfully, "B's session was never admitted.");
        Assert.True(admittedAt >= enteredAt);
        CoordinationStatus status = b.Manager.GetStatus().Coordination!;
        AssertToldWhileUnprotected(b, admittedAt!.Value, "B", $"B's shared renewals (adopted leases): {status.SharedRenewals}, shared expiry at {status.SharedExpiresAt - a.Start}");
    }

    /// <summary>
    /// The state file is rewritten in place (write, then ftruncate): a process killed between the two, or any other
    /// corruption, leaves a state that is not trusted. Its recovery keeps no ProtectedSince, so the next renewal starts
    /// a new period while the agent's protection simply continues: the task stays protected past its cap.
    /// </summary>
    [Fact]
    public async Task A_corrupt_state_mid_period_does_not_restart_the_tasks_cap_while_protection_continues()
    {
        TimeSpan cap = TimeSpan.FromMinutes(30);
        await using var task = new CoordinatedTask(1, _ => new TaskProtectionOptions { MaxProtectionDuration = cap, MaxProtectionDrain = TimeSpan.Zero });
        using CriticalSession stuck = task[0].Entered("stuck");
        task.AdvanceTo(TimeSpan.FromMinutes(20));
        Assert.True(task.Model.IsProtected);

        task.Directory.Corrupt();
        task.AdvanceTo(TimeSpan.FromMinutes(90));

        AssertProtectedNoLongerThan(task.Model, task[0].Start, task.Clock.GetUtcNow(), cap + TimeSpan.FromMinutes(1) + GapBudget.MayLandWithin(task[0].Options));
    }

    /// <summary>
    /// The holders file is removed (a cleanup job, by hand) while process B holds it shared. The store reopens files by
    /// path "so that every process locks the same file", but B's shared lock stays on the old inode until B's next
    /// enable. Process A, whose session ends, tests the new file exclusively, finds no holder, and releases: B's session
    /// runs unprotected, untold (B's loop still trusts its lease).
    /// </summary>
    [Fact]
    public async Task A_holders_file_removed_while_another_process_holds_sessions_does_not_let_a_release_through()
    {
        await using var task = new CoordinatedTask(2);
        using CriticalSession b = task[1].Entered("b");
        DateTimeOffset bFrom = task.Clock.GetUtcNow();
        task.Advance(Second);
        CriticalSession a = task[0].Entered("a");
        Assert.True(task[0].Manager.GetStatus().Coordination!.IsHolder);

        File.Delete(Path.Combine(task.Directory.Path, FileCoordinationStore.HoldersName));
        a.Dispose();
        task.Advance(task[0].Options.ReleaseDelay + TimeSpan.FromMinutes(1));

        AssertToldWhileUnprotected(task[1], bFrom, "B");
    }

    /// <summary>
    /// Process A's first enable of a period reaches the agent and A dies before it writes the answer. Before the call
    /// it wrote only a pending enable (until the may-land window ends), not the period's start nor how long protection may
    /// last, so once that window has passed the state says nothing of the protection in force. Process B, entering while
    /// A's lease still holds at the agent, starts a new period at its own enable: the task's cap counts from there, and
    /// the task stays protected continuously for the cap plus the time between.
    /// </summary>
    [Fact]
    public async Task A_process_killed_after_its_first_enable_reached_the_agent_does_not_let_the_next_restart_the_tasks_cap()
    {
        using var directory = new TaskDirectory();
        TimeSpan cap = TimeSpan.FromMinutes(30);
        var options = new TaskProtectionOptions { MaxProtectionDuration = cap, MaxProtectionDrain = TimeSpan.Zero };
        TimeSpan landing = GapBudget.MayLandWithin(options);
        DyingClient? dying = null;
        FileCoordinationStore? storeA = null;
        await using var a = new Harness(
            options,
            client: inner => dying = new DyingClient(inner, onEnable: true),
            coordination: clock => storeA = directory.Join(clock, landing));
        await using var b = new Harness(options, sameTask: a, coordination: clock => directory.Join(clock, landing));
        dying!.OnDisableLanded = () => storeA!.Dispose();

        _ = a.EnterAsync("a");
        Assert.True(dying.Dead, "A's enable did not reach the agent.");
        Assert.True(a.Model.IsProtected);
        DateTimeOffset expires = a.Model.ExpiresAt!.Value;

        // B enters a minute before A's lease ends at the agent, and its session never ends.
        a.AdvanceTo(expires - a.Start - TimeSpan.FromMinutes(1));
        Assert.True(a.Model.IsProtected);
        _ = b.EnterAsync("stuck");
        a.AdvanceTo(TimeSpan.FromHours(2));

        AssertProtectedNoLongerThan(a.Model, a.Start, a.Clock.GetUtcNow(), cap + TimeSpan.FromMinutes(1) + landing);
    }

    /// <summary>
    /// The cool-down is the task's: after the cap, no process may protect the task again for MaxProtectionCooldown. With
    /// MaxProtectionDrain zero, process A capped (told MaxDurationReached) and its session ended; it released a minute
    /// before the cap. A alone would keep its cool-down from that release; the shared state keeps none (SharedPeriod.Released
    /// only starts one after a drain, and drops ProtectedSince), so process B protects the task again seconds later.
    /// </summary>
    [Fact]
    public async Task After_a_capped_process_releases_another_does_not_protect_the_task_again_during_the_cool_down()
    {
        TimeSpan cap = TimeSpan.FromMinutes(30);
        TimeSpan cooldown = TimeSpan.FromMinutes(5);
        await using var task = new CoordinatedTask(2, _ => new TaskProtectionOptions { MaxProtectionDuration = cap, MaxProtectionDrain = TimeSpan.Zero, MaxProtectionCooldown = cooldown });
        var told = new List<ProtectionLossReason>();
        task[0].Manager.ProtectionLost += (_, e) => told.Add(e.Reason);
        CriticalSession a = task[0].Entered("a");
        task.AdvanceTo(cap - TimeSpan.FromMinutes(1));
        Assert.Contains(ProtectionLossReason.MaxDurationReached, told);

        a.Dispose();
        task.Advance(task[0].Options.ReleaseDelay + Second);
        Assert.False(task.Model.IsProtected);
        DateTimeOffset releasedAt = task.Puts(enabled: false)[^1].ReceivedAt;

        task.Advance(20 * Second);
        _ = task[1].EnterAsync("b");
        task.AdvanceTo(cap + TimeSpan.FromMinutes(15));

        DateTimeOffset? again = task.Puts(enabled: true).Select(c => (DateTimeOffset?)c.ReceivedAt).FirstOrDefault(at => at > releasedAt);
        Assert.True(again is null || again - releasedAt >= cooldown, $"Released at {releasedAt - task[0].Start}, protected again at {again - task[0].Start}: a cool-down of {again - releasedAt}, not {cooldown}.");
    }

    /// <summary>Every stretch the agent held no protection since <paramref name="from"/>, the process was told before it.</summary>
    private static void AssertToldWhileUnprotected(Harness process, DateTimeOffset from, string name, string? detail = null)
    {
        DateTimeOffset now = process.Clock.GetUtcNow();
        foreach (UnprotectedInterval gap in process.Model.UnprotectedIntervals(from).Where(g => g.To > from && g.From < now))
        {
            Assert.True(
                process.Manager.ProtectionLostToken.IsCancellationRequested,
                $"{name}'s session ran unprotected from {gap.From - process.Start} (agent calls: {Describe(process)}) and {name} was not told. {detail}");
        }
    }

    /// <summary>No continuous protection at the agent longer than <paramref name="longest"/>.</summary>
    private static void AssertProtectedNoLongerThan(ProtectionModel model, DateTimeOffset start, DateTimeOffset now, TimeSpan longest)
    {
        DateTimeOffset protectedFrom = start;
        foreach (UnprotectedInterval gap in model.UnprotectedIntervals(start))
        {
            if (gap.From > protectedFrom)
            {
                TimeSpan span = (gap.From > now ? now : gap.From) - protectedFrom;
                Assert.True(span <= longest, $"Protected continuously for {span} from {protectedFrom - start} (at most {longest}).");
            }

            protectedFrom = gap.To;
        }
    }

    private static string Describe(Harness process) =>
        string.Join(", ", process.Puts().Select(c => $"{c.ReceivedAt - process.Start} {(c.Body.Contains("\"ProtectionEnabled\":true", StringComparison.Ordinal) ? "enable" : "disable")}"));

    /// <summary>
    /// A process's way to the agent that dies right after its first disable (or, <c>onEnable</c>, enable) reaches the agent: the kernel closes its
    /// descriptors (<see cref="OnDisableLanded"/>) and nothing of it ever runs again: its call never returns, whatever
    /// its token says, so its coordination thread writes nothing more.
    /// </summary>
    private sealed class DyingClient(ITaskProtectionClient inner, bool onEnable = false) : ITaskProtectionClient
    {
        public Action? OnDisableLanded { get; set; }

        public bool Dead { get; private set; }

        public async Task<TaskProtectionState> EnableAsync(int expiresInMinutes, CancellationToken cancellationToken)
        {
            if (Dead)
            {
                return await Never();
            }

            if (!onEnable)
            {
                return await inner.EnableAsync(expiresInMinutes, cancellationToken);
            }

            await inner.EnableAsync(expiresInMinutes, CancellationToken.None);
            Dead = true;
            OnDisableLanded?.Invoke();
            return await Never();
        }

        public async Task<TaskProtectionState> DisableAsync(CancellationToken cancellationToken)
        {
            if (Dead)
            {
                return await Never();
            }

            await inner.DisableAsync(CancellationToken.None);
            Dead = true;
            OnDisableLanded?.Invoke();
            return await Never();
        }

        public Task<TaskProtectionState> GetAsync(CancellationToken cancellationToken) =>
            Dead ? Never() : inner.GetAsync(cancellationToken);

        private static Task<TaskProtectionState> Never() => new TaskCompletionSource<TaskProtectionState>().Task;
    }
}
