using Microsoft.Extensions.Logging.Abstractions;
using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Coordination;

/// <summary>The coordinated backend's rules on their own: one participant's view of a shared board.</summary>
public sealed class CoordinatedBackendTests : IDisposable
{
    private readonly ManualTaskScheduler _scheduler = new();
    private readonly SimulatedClock _clock;
    private readonly ProtectionModel _model;
    private readonly CoordinationBoard _board = new();
    private readonly TaskProtectionOptions _options = new();
    private readonly System.Diagnostics.Metrics.Meter _unused = new("test");

    public CoordinatedBackendTests()
    {
        _clock = new SimulatedClock(_scheduler);
        _model = new ProtectionModel(_clock);
    }

    public void Dispose()
    {
        _unused.Dispose();
    }

    [Fact]
    public async Task An_enable_never_asks_for_less_than_the_shared_expiry_a_short_last_renewal_is_raised()
    {
        // Another process confirmed 90 s more: too little to adopt (the buffer is 2 min), too much for a 1-minute ask.
        DateTimeOffset now = _clock.GetUtcNow();
        Seed(SharedProtection.Empty with { ExpiresAt = now + TimeSpan.FromSeconds(90) });

        EnableConfirmation answer = await Client("p0").EnableAsync(1, CancellationToken.None);

        Assert.Contains("\"ExpiresInMinutes\":2", _model.Calls[^1].Body, StringComparison.Ordinal);
        Assert.Equal(now + TimeSpan.FromMinutes(2), answer.SharedExpiry);
        Assert.Equal(now + TimeSpan.FromMinutes(2), _board.State.ExpiresAt);
    }

    [Fact]
    public async Task A_lease_another_process_confirmed_is_adopted_without_a_call()
    {
        DateTimeOffset expires = _clock.GetUtcNow() + TimeSpan.FromMinutes(6);
        Seed(SharedProtection.Empty with { ExpiresAt = expires });

        EnableConfirmation answer = await Client("p0").EnableAsync(7, CancellationToken.None);

        Assert.Empty(_model.Calls);
        Assert.Equal(expires, answer.SharedExpiry);
        Assert.True(_board.IsHolder("p0"));
    }

    [Fact]
    public async Task No_enable_goes_out_while_a_release_given_up_on_may_still_land()
    {
        DateTimeOffset now = _clock.GetUtcNow();
        Seed(SharedProtection.Empty with { Pending = [new PendingCall(false, now, 0, now + TimeSpan.FromSeconds(15))] });

        var refused = await Assert.ThrowsAsync<TaskProtectionCallException>(() => Client("p0").EnableAsync(7, CancellationToken.None));

        Assert.True(refused.IsRetryable);
        Assert.Contains("may still take effect", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_model.Calls);
    }

    [Fact]
    public async Task An_attempt_that_failed_in_another_process_while_this_one_waited_counts_as_this_ones()
    {
        DateTimeOffset now = _clock.GetUtcNow();
        Seed(SharedProtection.Empty with { LastCall = new LastCall("p1", true, now, false, "ThrottlingException", true) });

        var failed = await Assert.ThrowsAsync<TaskProtectionCallException>(() => Client("p0").EnableAsync(7, CancellationToken.None));

        Assert.True(failed.IsRetryable);
        Assert.Contains("p1", failed.Message, StringComparison.Ordinal);
        Assert.Empty(_model.Calls);
    }

    [Fact]
    public async Task An_enable_given_up_on_is_recorded_as_one_that_may_still_land()
    {
        _model.Enqueue(AgentFaultKind.GatewayTimeout);

        await Assert.ThrowsAsync<TaskProtectionCallException>(() => Client("p0").EnableAsync(7, CancellationToken.None));

        PendingCall pending = Assert.Single(_board.State.Pending);
        Assert.True(pending.Enable);
        Assert.Equal(7, pending.Minutes);
    }

    private CoordinatedBackend Client(string participant) => new(
        new ClientBackend(new InMemoryTaskProtectionClient(_model)),
        _board.Join(participant, _options.RequestTimeout + GapBudget.LateLandingWindow, _clock),
        "(test)",
        _options,
        _clock,
        NullLogger.Instance,
        new TaskProtectionMetrics(null, () => 0, () => false, () => 0),
        new LoopDispatcher(_scheduler, _clock),
        wake: static () => { });

    private void Seed(SharedProtection state)
    {
        ICoordinationStore seeder = _board.Join("seeder", TimeSpan.Zero, _clock);
        using ICoordinationSession session = seeder.LockAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        session.Write(state);
    }
}
