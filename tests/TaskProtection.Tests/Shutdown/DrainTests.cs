using Microsoft.Extensions.Logging.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Shutdown;

/// <summary>The drain on a simulated clock: renewals go on, new work is refused, the bound holds, nothing is lost silently.</summary>
public sealed class DrainTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Shutdown_cancels_the_token_and_refuses_new_sessions()
    {
        await using var h = new Harness();
        CancellationToken token = h.Registry.ShutdownRequested;
        Assert.Equal(token, h.Manager.ShutdownRequested);
        Assert.False(token.IsCancellationRequested);

        h.Manager.RequestShutdown();

        Assert.True(token.IsCancellationRequested);
        Assert.True(h.Manager.GetStatus().IsShutdownRequested);
        CriticalSessionRefusedException refused = Assert.Throws<CriticalSessionRefusedException>(() => h.Registry.Enter("late-job"));
        Assert.Contains("'late-job' was not started: the task is shutting down", refused.Message, StringComparison.Ordinal);
        ValueTask<CriticalSession> entering = h.Registry.EnterAsync("late-job");
        Assert.True(entering.IsFaulted);
        await Assert.ThrowsAsync<CriticalSessionRefusedException>(() => entering.AsTask());
        Assert.Equal(0, h.Registry.ActiveCount);
        Assert.Equal(0, h.Registry.TotalEntered);
    }

    [Fact]
    public async Task A_session_still_waiting_for_protection_when_shutdown_begins_is_refused_before_its_body_starts()
    {
        // ECS picked the task for scale-in a moment before this session's protection landed: its body must not start.
        await using var h = new Harness();
        h.Model.Enqueue(Testing.AgentFault.Latency(TimeSpan.FromSeconds(2)));
        Task<CriticalSession> waiting = h.EnterAsync("just-taken");
        Assert.False(waiting.IsCompleted);

        Task<DrainResult> drain = h.Manager.DrainAsync();
        h.Pump();

        CriticalSessionRefusedException refused = await Assert.ThrowsAsync<CriticalSessionRefusedException>(() => waiting);
        Assert.Contains("'just-taken' was not started: the task is shutting down", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, h.Registry.ActiveCount);
        // The drain's end hops through the thread pool: a bounded wait for the hop, not for a timer.
        Assert.True((await drain.WaitAsync(Bound)).Drained);

        // The enable already on its way still lands; the manager, idle, releases it.
        h.Advance(TimeSpan.FromSeconds(2) + h.Options.ReleaseDelay + TimeSpan.FromSeconds(1));
        Assert.True(h.Model.Calls.Count >= 2);
        Assert.False(h.Model.IsProtected);
    }

    [Fact]
    public async Task New_sessions_are_allowed_during_shutdown_when_configured()
    {
        await using var h = new Harness(new TaskProtectionOptions { RefuseSessionsDuringShutdown = false });
        h.Manager.RequestShutdown();
        using CriticalSession session = h.Entered("allowed");
        Assert.True(h.Model.IsProtected);
    }

    [Fact]
    public async Task The_drain_keeps_renewing_until_the_last_session_ends()
    {
        // Longer than ECS would wait, to see several renewals inside one drain.
        await using var h = new Harness();
        CriticalSession session = h.Entered("transcode");

        Task<DrainResult> drain = h.Manager.DrainAsync(TimeSpan.FromMinutes(20), CancellationToken.None);
        h.AdvanceTo(TimeSpan.FromMinutes(16));
        Assert.False(drain.IsCompleted);
        Assert.True(h.Model.IsProtected);
        Assert.Equal(0, h.Manager.GetStatus().Lapses);
        Assert.True(h.Puts(enabled: true).Count >= 4, "Renewals stopped during the drain.");

        session.Dispose();
        h.Pump();
        DrainResult result = await drain.WaitAsync(Bound);

        Assert.True(result.Drained);
        Assert.Empty(result.Abandoned);
        Assert.Equal(TimeSpan.FromMinutes(16), result.Elapsed);
        Assert.DoesNotContain(h.Model.UnprotectedIntervals(h.Start), i => i.From < h.Start + TimeSpan.FromMinutes(16));
    }

    [Fact]
    public async Task A_drain_with_no_session_returns_at_once()
    {
        await using var h = new Harness();
        DrainResult result = await h.Manager.DrainAsync().WaitAsync(Bound);
        Assert.True(result.Drained);
        Assert.Equal(TimeSpan.Zero, result.Elapsed);
    }

    [Fact]
    public async Task At_the_bound_each_abandoned_session_is_logged_counted_and_returned()
    {
        var logger = new FakeLogger();
        await using var h = new Harness(new TaskProtectionOptions { DrainTimeout = TimeSpan.FromSeconds(20) }, logger: logger);
        using CriticalSession stuck = h.Entered("import-batch");
        h.AdvanceTo(TimeSpan.FromSeconds(5));

        Task<DrainResult> drain = h.Manager.DrainAsync();
        h.AdvanceTo(TimeSpan.FromSeconds(24));
        Assert.False(drain.IsCompleted);
        h.AdvanceTo(TimeSpan.FromSeconds(25));
        DrainResult result = await drain.WaitAsync(Bound);

        Assert.False(result.Drained);
        ActiveSessionInfo abandoned = Assert.Single(result.Abandoned);
        Assert.Equal("import-batch", abandoned.Name);
        Assert.Equal(TimeSpan.FromSeconds(25), abandoned.Age);
        Assert.Equal(1, h.Manager.GetStatus().AbandonedSessions);

        FakeLogRecord record = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 1063);
        Assert.Equal($"Abandoned critical session import-batch (id {stuck.Id}, running for 25 s).", record.Message);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 1062 && r.Message.Contains("DrainTimeout passed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_shutdown_with_nothing_running_says_so_in_one_line()
    {
        var logger = new FakeLogger();
        await using var h = new Harness(logger: logger);

        DrainResult result = await h.Manager.DrainAsync().WaitAsync(Bound);

        Assert.True(result.Drained);
        IReadOnlyList<FakeLogRecord> records = logger.Collector.GetSnapshot();
        FakeLogRecord idle = Assert.Single(records, r => r.Id.Id == 1066);
        Assert.Equal("Shutdown requested with no critical session running: nothing to wait for.", idle.Message);
        Assert.DoesNotContain(records, r => r.Id.Id is 1060 or 1061);
    }

    [Fact]
    public async Task A_shutdown_with_a_session_running_says_what_it_waits_for_and_when_it_ended()
    {
        var logger = new FakeLogger();
        await using var h = new Harness(new TaskProtectionOptions { DrainTimeout = TimeSpan.FromSeconds(20) }, logger: logger);
        CriticalSession job = h.Entered("import-batch");

        Task<DrainResult> drain = h.Manager.DrainAsync();
        h.AdvanceTo(TimeSpan.FromSeconds(3));
        job.Dispose();
        Assert.True((await drain.WaitAsync(Bound)).Drained);

        IReadOnlyList<FakeLogRecord> records = logger.Collector.GetSnapshot();
        Assert.StartsWith("Shutdown requested with 1 active sessions; waiting up to 20 s", Assert.Single(records, r => r.Id.Id == 1060).Message, StringComparison.Ordinal);
        Assert.Single(records, r => r.Id.Id == 1061);
        Assert.DoesNotContain(records, r => r.Id.Id == 1066);
    }

    [Fact]
    public async Task Cancelling_the_drain_gives_up_the_wait_at_once()
    {
        await using var h = new Harness();
        using CriticalSession stuck = h.Entered("long");
        using var giveUp = new CancellationTokenSource();

        Task<DrainResult> drain = h.Manager.DrainAsync(giveUp.Token);
        await giveUp.CancelAsync();
        DrainResult result = await drain.WaitAsync(Bound);

        Assert.False(result.Drained);
        Assert.Equal("long", Assert.Single(result.Abandoned).Name);
    }

    [Fact]
    public async Task After_the_drain_stopping_releases_protection()
    {
        var h = new Harness();
        CriticalSession session = h.Entered("job");
        Task<DrainResult> drain = h.Manager.DrainAsync();
        session.Dispose();
        h.Pump();
        Assert.True((await drain.WaitAsync(Bound)).Drained);
        Assert.True(h.Model.IsProtected, "The drain itself does not release; stopping does.");

        await h.DisposeAsync();
        Assert.False(h.Model.IsProtected);
    }

    [Fact]
    public async Task A_failing_shutdown_callback_is_logged_and_shutdown_goes_on()
    {
        var logger = new FakeLogger();
        await using var h = new Harness(logger: logger);
        bool secondRan = false;
        using CancellationTokenRegistration first = h.Registry.ShutdownRequested.Register(() => throw new InvalidOperationException("checkpoint store down"));
        using CancellationTokenRegistration second = h.Registry.ShutdownRequested.Register(() => secondRan = true);

        h.Manager.RequestShutdown();

        Assert.True(secondRan);
        FakeLogRecord record = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 1064);
        Assert.Contains("checkpoint store down", record.Exception!.ToString(), StringComparison.Ordinal);
        Assert.Throws<CriticalSessionRefusedException>(() => h.Registry.Enter("job"));
    }

    [Fact]
    public void DrainTimeout_must_leave_room_for_the_release_within_the_largest_ECS_stop_timeout()
    {
        IReadOnlyList<string> failures = TaskProtectionOptionsValidator.FindFailures(new TaskProtectionOptions { DrainTimeout = TimeSpan.FromSeconds(115) });
        Assert.Contains(failures, f => f.StartsWith("DrainTimeout + RequestTimeout ≤ 2 min fails: 1 min 55 s + 10 s = 2 min 5 s.", StringComparison.Ordinal));
        Assert.Contains(TaskProtectionOptionsValidator.FindFailures(new TaskProtectionOptions { DrainTimeout = TimeSpan.Zero }), f => f.StartsWith("DrainTimeout > 0 fails", StringComparison.Ordinal));
        Assert.Empty(TaskProtectionOptionsValidator.FindFailures(new TaskProtectionOptions { DrainTimeout = TimeSpan.FromSeconds(110) }));
    }
}
