using Microsoft.Extensions.Logging.Abstractions;
using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Coordination;

/// <summary>The coordinated backend's rules on their own: one process's view of a real shared directory, on a simulated clock.</summary>
public sealed class CoordinatedBackendTests : IDisposable
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private readonly ManualTaskScheduler _scheduler = new();
    private readonly SimulatedClock _clock;
    private readonly ProtectionModel _model;
    private readonly TaskDirectory _directory = new();
    private readonly TaskProtectionOptions _options = new();

    public CoordinatedBackendTests()
    {
        _clock = new SimulatedClock(_scheduler);
        _model = new ProtectionModel(_clock);
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void An_enable_never_asks_for_less_than_the_shared_expiry_a_short_last_renewal_is_raised()
    {
        // Another process confirmed 90 s more: too little to adopt (the buffer is 2 min), too much for a 1-minute ask.
        long now = _clock.GetTimestamp();
        Seed(Empty() with { ExpiresAt = now + Ticks(TimeSpan.FromSeconds(90)), ProtectedSince = now });

        EnableConfirmation answer = Run(Backend().EnableAsync(1, CancellationToken.None));

        Assert.Contains("\"ExpiresInMinutes\":2", _model.Calls[^1].Body, StringComparison.Ordinal);
        Assert.Equal(now + Ticks(2 * Minute), answer.SharedExpiry);
        Assert.Equal(now + Ticks(2 * Minute), _directory.State.ExpiresAt);
    }

    [Fact]
    public void A_lease_another_process_confirmed_is_adopted_without_a_call_with_its_periods_start()
    {
        long now = _clock.GetTimestamp();
        long since = now - Ticks(TimeSpan.FromMinutes(30));
        Seed(Empty() with { ExpiresAt = now + Ticks(6 * Minute), ProtectedSince = since });

        EnableConfirmation answer = Run(Backend().EnableAsync(7, CancellationToken.None));

        Assert.Empty(_model.Calls);
        Assert.Equal(now + Ticks(6 * Minute), answer.SharedExpiry);
        Assert.Equal(since, answer.SharedSince);
    }

    [Fact]
    public void No_enable_asks_past_the_tasks_shared_cap()
    {
        // The task has been protected for 1 h 55: 5 minutes are left to its 2-hour cap, whatever this process asks.
        long now = _clock.GetTimestamp();
        Seed(Empty() with { ExpiresAt = now + Ticks(TimeSpan.FromSeconds(30)), ProtectedSince = now - Ticks(TimeSpan.FromMinutes(115)) });

        Run(Backend(holder: true).EnableAsync(7, CancellationToken.None));

        Assert.Contains("\"ExpiresInMinutes\":5", _model.Calls[^1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public void In_the_tasks_cool_down_nothing_is_enabled_and_the_process_hears_until_when()
    {
        long now = _clock.GetTimestamp();
        Seed(Empty() with { CooldownUntil = now + Ticks(3 * Minute) });

        EnableConfirmation answer = Run(Backend().EnableAsync(7, CancellationToken.None));

        Assert.Equal(now + Ticks(3 * Minute), answer.CoolingDownUntil);
        Assert.Empty(_model.Calls);
    }

    [Theory]
    [InlineData(false, true)] // a process joining during the task's drain would start new work: refused until after the cool-down
    [InlineData(true, false)] // a process holding already renews for its running sessions
    public void In_the_tasks_drain_only_holders_renew(bool holder, bool refused)
    {
        long now = _clock.GetTimestamp();
        long since = now - Ticks(TimeSpan.FromMinutes(90));
        Seed(Empty() with { ExpiresAt = now + Ticks(TimeSpan.FromSeconds(100)), ProtectedSince = since });

        EnableConfirmation answer = Run(Backend(holder).EnableAsync(7, CancellationToken.None));

        long? expected = refused ? since + Ticks(_options.MaxProtectionDuration + _options.MaxProtectionCooldown) : null;
        Assert.Equal(expected, answer.CoolingDownUntil);
        Assert.Equal(refused ? 0 : 1, _model.Calls.Count);
    }

    [Fact]
    public void No_enable_goes_out_while_a_release_given_up_on_may_still_land()
    {
        long now = _clock.GetTimestamp();
        Seed(Empty() with { Pending = [new PendingCall(false, now, 0, now + Ticks(TimeSpan.FromSeconds(15)))] });

        var refused = Assert.Throws<TaskProtectionCallException>(() => Run(Backend().EnableAsync(7, CancellationToken.None)));

        Assert.True(refused.IsRetryable);
        Assert.Contains("may still take effect", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_model.Calls);
    }

    [Fact]
    public void An_attempt_that_failed_in_another_process_while_this_one_waited_counts_as_this_ones()
    {
        long now = _clock.GetTimestamp();
        Seed(Empty() with { LastCall = new LastCall("p1", true, now, false, "ThrottlingException", true) });

        var failed = Assert.Throws<TaskProtectionCallException>(() => Run(Backend().EnableAsync(7, CancellationToken.None)));

        Assert.True(failed.IsRetryable);
        Assert.Contains("p1", failed.Message, StringComparison.Ordinal);
        Assert.Empty(_model.Calls);
    }

    [Fact]
    public void An_enable_given_up_on_is_recorded_as_one_that_may_still_land()
    {
        _model.Enqueue(AgentFaultKind.GatewayTimeout);

        Assert.Throws<TaskProtectionCallException>(() => Run(Backend().EnableAsync(7, CancellationToken.None)));

        PendingCall pending = Assert.Single(_directory.State.Pending);
        Assert.True(pending.Enable);
        Assert.Equal(7, pending.Minutes);
    }

    [Fact]
    public void Two_processes_of_one_host_and_pid_are_two_participants()
    {
        // Each container's main process is often PID 1, and the containers of an awsvpc task may share a host name.
        using FileCoordinationStore first = _directory.Join(_clock, TimeSpan.FromSeconds(20));
        using FileCoordinationStore second = _directory.Join(_clock, TimeSpan.FromSeconds(20));

        Assert.NotEqual(first.Participant, second.Participant);
        Assert.StartsWith($"{Environment.MachineName}/{Environment.ProcessId}/", first.Participant, StringComparison.Ordinal);
    }

    [Fact]
    public void A_force_disable_made_before_this_process_started_is_history_not_news()
    {
        long before = _clock.GetTimestamp();
        Seed(Empty() with { ForceDisable = new ForceDisableMark(3, "an operator, yesterday", "old/1/abc", before) });
        _clock.AdvanceBy(Minute);

        CoordinatedBackend backend = Backend();
        EnableConfirmation answer = Run(backend.EnableAsync(7, CancellationToken.None));

        Assert.Null(backend.TakeRemoteForceDisable());
        Assert.Single(_model.Calls);
        Assert.Null(answer.CoolingDownUntil);
    }

    [Fact]
    public void A_force_disable_by_another_process_is_news_and_no_enable_goes_out_until_the_loop_took_it()
    {
        CoordinatedBackend backend = Backend();
        _clock.AdvanceBy(Minute);
        Seed(Empty() with { ForceDisable = new ForceDisableMark(1, "operator", "other/1/abc", _clock.GetTimestamp()) });

        Assert.Throws<TaskProtectionCallException>(() => Run(backend.EnableAsync(7, CancellationToken.None)));
        RemoteForceDisable? taken = backend.TakeRemoteForceDisable();
        Run(backend.EnableAsync(7, CancellationToken.None));

        Assert.Equal("other/1/abc", taken?.By);
        Assert.Single(_model.Calls);
    }

    [Fact]
    public void An_announced_force_disable_waits_until_no_other_process_holds_and_keeps_enables_back_meanwhile()
    {
        CoordinatedBackend other = Backend(holder: true);
        CoordinatedBackend forcing = Backend();

        Task announced = forcing.AnnounceForceDisableAsync("operator", CancellationToken.None);
        _scheduler.RunUntilIdle();
        _clock.AdvanceBy(TimeSpan.FromSeconds(3));
        Assert.False(announced.IsCompleted);

        // The other process has not told its sessions yet: it may not renew, whether it noticed or not.
        Assert.Throws<TaskProtectionCallException>(() => Run(other.EnableAsync(7, CancellationToken.None)));
        Assert.Equal("operator", other.TakeRemoteForceDisable()?.Reason);
        Assert.Throws<TaskProtectionCallException>(() => Run(other.EnableAsync(7, CancellationToken.None)));
        int callsBefore = _model.Calls.Count;

        // It told them and let go: the announcement is over within a look, and the disable carries the same mark.
        other.NoLongerNeeded();
        _clock.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.True(announced.IsCompletedSuccessfully);
        Run(forcing.ForceDisableAsync("operator", CancellationToken.None).ContinueWith(static t => t.IsCompletedSuccessfully, TaskScheduler.Default));

        Assert.Equal(callsBefore + 1, _model.Calls.Count);
        Assert.Contains("\"ProtectionEnabled\":false", _model.Calls[^1].Body, StringComparison.Ordinal);
        Assert.Equal(1, _directory.State.ForceDisable?.Epoch);
        Assert.Empty(_directory.State.Pending);
    }

    [Fact]
    public void An_announcement_no_other_process_answers_gives_up_at_its_bound()
    {
        CoordinatedBackend stalled = Backend(holder: true);
        CoordinatedBackend forcing = Backend();

        Task announced = forcing.AnnounceForceDisableAsync("operator", CancellationToken.None);
        _scheduler.RunUntilIdle();
        _clock.AdvanceBy(CoordinatedBackend.AnnounceWithin(_options) - TimeSpan.FromSeconds(1));
        Assert.False(announced.IsCompleted);
        _clock.AdvanceBy(TimeSpan.FromSeconds(2));

        Assert.True(announced.IsCanceled);
        Assert.True(stalled.Status.IsHolder);
    }

    private SharedProtection Empty() => SharedProtection.Empty with { Clock = SharedClock.For(_clock).Id };

    private long Ticks(TimeSpan span) => SharedClock.For(_clock).Ticks(span);

    private T Run<T>(Task<T> task)
    {
        _scheduler.RunUntilIdle();
        return task.GetAwaiter().GetResult();
    }

    private CoordinatedBackend Backend(bool holder = false)
    {
        var backend = new CoordinatedBackend(
            new ClientBackend(new InMemoryTaskProtectionClient(_model)),
            _directory.Join(_clock, _options.RequestTimeout + GapBudget.LateLandingWindow),
            "(test)",
            _options,
            _clock,
            NullLogger.Instance,
            new TaskProtectionMetrics(null, () => 0, () => false, () => 0),
            _scheduler,
            wake: static () => { });
        if (holder)
        {
            // Hold already, as a process that enabled before does: adopt a lease of a period just begun (so outside any
            // drain), then put the seeded state back.
            SharedProtection seeded = _directory.State is { Clock: not null } written ? written : Empty();
            long now = _clock.GetTimestamp();
            Seed(seeded with { ExpiresAt = now + Ticks(TimeSpan.FromMinutes(7)), ProtectedSince = now });
            Run(backend.EnableAsync(7, CancellationToken.None));
            Seed(seeded);
        }

        return backend;
    }

    private void Seed(SharedProtection state)
    {
        using FileCoordinationStore seeder = _directory.Join(_clock, TimeSpan.Zero);
        ValueTask<ICoordinationSession> locking = seeder.LockAsync(CancellationToken.None);
        _scheduler.RunUntilIdle();
        using ICoordinationSession session = locking.AsTask().GetAwaiter().GetResult();
        session.Write(state);
    }
}
