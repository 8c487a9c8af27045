using Microsoft.Extensions.Time.Testing;
using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// Sessions waiting at the coverage gate start together, and the stop leaves no session silently unprotected: one entered
/// after it is refused or told, and an enable it abandoned cannot land after its release.
/// </summary>
public sealed class GateAndStopTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Sessions_waiting_for_coverage_start_together_not_one_after_another()
    {
        // The real thread pool: each waiter's body must start on its own, not inline on the work item that opens the gate.
        var time = new FakeTimeProvider();
        var model = new ProtectionModel(time);
        model.Enqueue(AgentFault.Latency(TimeSpan.FromSeconds(1)));
        var registry = new CriticalSessionRegistry(time);
        await using var manager = new TaskProtectionManager(new InMemoryTaskProtectionClient(model), new TaskProtectionOptions(), registry, time);
        await manager.StartAsync();
        using var allStarted = new Barrier(4);
        Task[] bodies = [.. Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            await using CriticalSession session = await registry.EnterAsync($"job-{i}");

            // Synchronous work before the body's first await, as CPU-bound jobs do: the others must be able to start meanwhile.
            Assert.True(allStarted.SignalAndWait(Bound), "The bodies ran one after another on one thread.");
        }))];
        Assert.True(SpinWait.SpinUntil(() => registry.ActiveCount == 4, Bound));
        Assert.Empty(model.Calls);

        // The loop sends the enable on its own thread-pool work item: move time on until the agent has answered it.
        Assert.True(SpinWait.SpinUntil(
            () =>
            {
                time.Advance(TimeSpan.FromMilliseconds(100));
                return model.Calls.Count > 0;
            },
            Bound));

        await Task.WhenAll(bodies).WaitAsync(Bound * 2);
        Assert.True(model.IsProtected);
    }

    [Theory]
    [InlineData(AcquireTimeoutBehavior.Proceed)]
    [InlineData(AcquireTimeoutBehavior.Throw)]
    public async Task A_session_entered_after_the_manager_stopped_is_refused_or_told(AcquireTimeoutBehavior behavior)
    {
        var h = new Harness(new TaskProtectionOptions { AcquireTimeoutBehavior = behavior });
        await h.StopAsync();
        CancellationToken lost = h.Manager.ProtectionLostToken;

        Task<CriticalSession> entering = h.EnterAsync("late");

        if (behavior == AcquireTimeoutBehavior.Throw)
        {
            TaskProtectionException refused = await Assert.ThrowsAsync<TaskProtectionException>(() => entering);
            Assert.Contains("stopped", refused.Message, StringComparison.Ordinal);
            Assert.Equal(0, h.Registry.ActiveCount);
        }
        else
        {
            using CriticalSession session = await entering;
            Assert.True(lost.IsCancellationRequested, "The session runs unprotected, and nothing told the application.");
        }

        Assert.Empty(h.Puts(enabled: true));
    }

    [Fact]
    public async Task A_synchronous_session_entered_after_the_manager_stopped_is_told()
    {
        var h = new Harness();
        await h.StopAsync();
        CancellationToken lost = h.Manager.ProtectionLostToken;

        using CriticalSession session = h.Registry.Enter("late");

        Assert.True(lost.IsCancellationRequested, "The session runs unprotected, and nothing told the application.");
    }

    [Fact]
    public async Task A_stopped_manager_does_not_keep_a_new_one_from_attaching_to_its_registry()
    {
        var h = new Harness();
        await h.StopAsync();
        await using var next = new TaskProtectionManager(new InMemoryTaskProtectionClient(h.Model), new TaskProtectionOptions(), h.Registry, h.Clock);

        await next.StartAsync();

        Assert.True(h.Registry.HasManager);
    }

    [Fact]
    public async Task An_enable_abandoned_by_the_stop_cannot_leave_the_task_protected_after_the_release()
    {
        await using var h = new Harness();

        // The acquire reaches ECS three seconds after it was sent, whatever the client does meanwhile.
        h.Model.Enqueue(new AgentFault(AgentFaultKind.LateLanding, RequestDelay: TimeSpan.FromSeconds(3)));
        Task<CriticalSession> entering = h.EnterAsync("job");
        h.Advance(TimeSpan.FromMilliseconds(100));
        Assert.False(entering.IsCompleted);

        await h.StopAsync();
        h.Advance(TimeSpan.FromMinutes(1));

        Assert.True(h.Model.Calls.Any(c => c.Body.Contains("\"ProtectionEnabled\":true", StringComparison.Ordinal)), "The enable never landed: the test shows nothing.");
        Assert.False(h.Model.IsProtected, "The abandoned enable landed after the stop's release: protected with no process left to release it.");
    }
}
