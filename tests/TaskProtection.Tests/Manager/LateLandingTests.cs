using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// A call the manager gave up on may still take effect at ECS up to GapBudget.LateLandingWindow later. Neither a late
/// release nor a late enable may leave work unprotected or the task protected for nothing.
/// </summary>
public sealed class LateLandingTests
{
    [Fact]
    public async Task A_release_that_lands_late_cannot_undo_the_next_acquire()
    {
        await using var h = new Harness();
        CriticalSession first = h.Entered("first");
        h.AdvanceTo(TimeSpan.FromSeconds(10));

        // The release goes out at 15 s, times out at 25 s, and lands at 27 s anyway.
        h.Model.Enqueue(new AgentFault(AgentFaultKind.LateLanding, RequestDelay: TimeSpan.FromSeconds(12)));
        first.Dispose();
        h.AdvanceTo(TimeSpan.FromSeconds(25.5));

        var covered = new List<(DateTimeOffset From, DateTimeOffset To)>();
        Task<CriticalSession> second = h.EnterAsync("second");
        h.AdvanceTo(TimeSpan.FromSeconds(29));
        Assert.False(second.IsCompleted, "Covered while the abandoned release could still land.");

        // Once it no longer can (25 s + 5 s), the acquire goes out; it lands after the release did.
        h.AdvanceTo(TimeSpan.FromSeconds(31));
        Assert.True(second.IsCompletedSuccessfully);
        covered.Add((h.Clock.GetUtcNow(), h.Start + TimeSpan.FromMinutes(3)));
        h.AdvanceTo(TimeSpan.FromMinutes(3));
        (await second).Dispose();

        Assert.DoesNotContain(h.Model.UnprotectedIntervals(h.Start), gap => covered.Any(c => gap.From < c.To && c.From < gap.To));
        Assert.False(h.Manager.ProtectionLostToken.IsCancellationRequested);
    }

    [Fact]
    public async Task An_enable_that_lands_after_the_release_is_released_again()
    {
        await using var h = new Harness(new TaskProtectionOptions { ReleaseDelay = TimeSpan.Zero });

        // The acquire times out at 10 s but lands at 14 s; its retry succeeds at once.
        h.Model.Enqueue(new AgentFault(AgentFaultKind.LateLanding, RequestDelay: TimeSpan.FromSeconds(14)));
        Task<CriticalSession> entering = h.EnterAsync("job");
        h.AdvanceTo(TimeSpan.FromSeconds(11));
        CriticalSession session = await entering;
        session.Dispose();
        h.Pump();
        Assert.False(h.Model.IsProtected, "Released at 11 s.");

        h.AdvanceTo(TimeSpan.FromSeconds(14));
        Assert.True(h.Model.IsProtected, "The abandoned acquire landed after the release.");

        // Released again once the abandoned call can no longer land (10 s + 5 s), not 7 minutes later.
        h.AdvanceTo(TimeSpan.FromSeconds(16));
        Assert.False(h.Model.IsProtected);
        Assert.Equal(h.Start + TimeSpan.FromSeconds(15), h.Model.UnprotectedIntervals(h.Start)[^1].From);
        Assert.Equal(ProtectionMode.Idle, h.Manager.Mode);
    }

    [Fact]
    public async Task A_force_disable_is_repeated_if_an_abandoned_enable_lands_after_it()
    {
        await using var h = new Harness();
        using CriticalSession session = h.Entered("job");

        // The renewal at 300 s times out at 310 s but lands at 312 s; the operator force-disables at 311 s.
        h.Model.Enqueue(new AgentFault(AgentFaultKind.LateLanding, RequestDelay: TimeSpan.FromSeconds(12)));
        h.AdvanceTo(TimeSpan.FromSeconds(311));
        Task disable = h.Manager.ForceDisableProtectionAsync("operator: unblock the deployment");
        h.Pump();
        await disable.WaitAsync(TimeSpan.FromSeconds(10));
        h.AdvanceTo(TimeSpan.FromSeconds(313));
        Assert.True(h.Model.IsProtected, "The abandoned renewal landed after the force-disable.");

        h.AdvanceTo(TimeSpan.FromSeconds(316));
        Assert.False(h.Model.IsProtected);
        Assert.Equal(h.Start + TimeSpan.FromSeconds(315), h.Model.UnprotectedIntervals(h.Start)[^1].From);
        Assert.Equal(ProtectionMode.ForceDisabled, h.Manager.Mode);
    }
}
