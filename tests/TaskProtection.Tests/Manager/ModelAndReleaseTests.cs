using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

public sealed class ModelAndReleaseTests
{
    [Fact]
    public void Each_enable_call_resets_the_expiry_so_a_shorter_one_shortens_the_lease()
    {
        var clock = new SimulatedClock(new ManualTaskScheduler());
        var model = new ProtectionModel(clock);
        AgentFault normal = new(AgentFaultKind.None);
        model.Receive("PUT", "/x/task-protection/v1/state", "{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":60}", normal);
        clock.AdvanceBy(TimeSpan.FromMinutes(1));
        model.Receive("PUT", "/x/task-protection/v1/state", "{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":2}", normal);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromMinutes(2), model.ExpiresAt);

        AgentAnswer defaulted = model.Receive("PUT", "/x/task-protection/v1/state", "{\"ProtectionEnabled\":true}", normal);
        Assert.Equal(200, defaulted.StatusCode);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromMinutes(120), model.ExpiresAt);

        Assert.Equal(400, model.Receive("PUT", "/x/task-protection/v1/state", "{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":2881}", normal).StatusCode);
        Assert.Equal(400, model.Receive("PUT", "/x/task-protection/v1/state", "{\"ExpiresInMinutes\":5}", normal).StatusCode);
        Assert.Equal(404, model.Receive("PUT", "/x/other", "{\"ProtectionEnabled\":true}", normal).StatusCode);
    }

    [Fact]
    public void Unprotected_intervals_cover_lapses_and_releases()
    {
        var clock = new SimulatedClock(new ManualTaskScheduler());
        DateTimeOffset t0 = clock.GetUtcNow();
        var model = new ProtectionModel(clock);
        AgentFault normal = new(AgentFaultKind.None);
        clock.AdvanceBy(TimeSpan.FromMinutes(1));
        model.Receive("PUT", "/task-protection/v1/state", "{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":1}", normal);
        clock.AdvanceBy(TimeSpan.FromMinutes(2));
        model.Receive("PUT", "/task-protection/v1/state", "{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":1}", normal);
        clock.AdvanceBy(TimeSpan.FromSeconds(30));
        model.Receive("PUT", "/task-protection/v1/state", "{\"ProtectionEnabled\":false}", normal);

        Assert.Equal(
            [
                new UnprotectedInterval(t0, t0 + TimeSpan.FromMinutes(1)),
                new UnprotectedInterval(t0 + TimeSpan.FromMinutes(2), t0 + TimeSpan.FromMinutes(3)),
                new UnprotectedInterval(t0 + TimeSpan.FromMinutes(3.5), DateTimeOffset.MaxValue),
            ],
            model.UnprotectedIntervals(t0));
    }

    [Fact]
    public async Task A_failed_release_is_retried_so_the_task_does_not_stay_protected()
    {
        await using var h = new Harness();
        CriticalSession session = h.Entered();
        h.Model.Enqueue(AgentFaultKind.ServerError, 2);
        session.Dispose();
        h.Pump();
        h.Advance(TimeSpan.FromSeconds(5));
        Assert.True(h.Model.IsProtected);
        h.Advance(TimeSpan.FromSeconds(3));
        Assert.False(h.Model.IsProtected);
        Assert.Equal(3, h.Puts(enabled: false).Count);
        Assert.Equal(ProtectionMode.Idle, h.Manager.Mode);
    }

    [Fact]
    public async Task Stopping_releases_protection()
    {
        var h = new Harness();
        using CriticalSession session = h.Entered();
        await h.DisposeAsync();
        Assert.False(h.Model.IsProtected);
        Assert.Equal(ProtectionMode.Stopped, h.Manager.Mode);
    }

    [Fact]
    public async Task After_a_refusal_and_an_idle_spell_the_next_session_tries_afresh()
    {
        await using var h = new Harness(new TaskProtectionOptions { AcquireTimeoutBehavior = AcquireTimeoutBehavior.Throw });
        h.Model.Enqueue(AgentFaultKind.DeploymentBlocked);
        CancellationToken lost = h.Manager.ProtectionLostToken;
        Task<CriticalSession> refused = h.EnterAsync("first");
        await Assert.ThrowsAsync<TaskProtectionException>(() => refused);
        Assert.True(lost.IsCancellationRequested);

        h.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(ProtectionMode.Idle, h.Manager.Mode);
        Assert.False(h.Manager.ProtectionLostToken.IsCancellationRequested);

        using CriticalSession next = h.Entered("second");
        Assert.True(h.Model.IsProtected);
    }
}
