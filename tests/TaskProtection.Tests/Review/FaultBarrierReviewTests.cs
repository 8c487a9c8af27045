using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Review;

/// <summary>
/// The loop's fault barrier says a step that throws (a metrics listener, a bug) is survived and "the state is safe to
/// resume from". These are steps that throw half-way: what they leave behind.
/// </summary>
public sealed class FaultBarrierReviewTests
{
    [Fact]
    public async Task A_force_disable_whose_step_faults_after_the_disable_landed_is_still_answered()
    {
        // Interleaving: the loop dequeues the ForceDisableProtectionAsync request, tells, sends the disable; the agent
        // applies it; recording the call (BoundedBackend's finally, metrics) throws. The exception leaves ForceDisableAsync
        // before the request's completion is set, the barrier logs and survives it, and the request, no longer queued,
        // is answered by nobody: not by the loop, not by the stop (which only drains the queue).
        using ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        IMeterFactory meters = services.GetRequiredService<IMeterFactory>();
        using var listener = new ThrowOnAgentCall(meters);
        var h = new Harness(meterFactory: meters);
        CriticalSession session = h.Entered("transcode");

        listener.ArmOnce();
        Task disable = h.Manager.ForceDisableProtectionAsync("operator: unblock the deployment");
        h.Pump();
        h.Advance(TimeSpan.FromSeconds(5));

        Assert.False(h.Model.IsProtected, "The disable reached the agent.");
        Assert.Equal(1, h.Manager.GetStatus().LoopFaults);
        session.Dispose();
        await h.StopAsync();
        Assert.True(disable.IsCompleted, "ForceDisableProtectionAsync never completes: its request was lost by the step that faulted, and the stop did not answer it either.");
    }
}
