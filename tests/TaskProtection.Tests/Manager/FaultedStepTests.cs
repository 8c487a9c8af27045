using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// The loop's fault barrier says a step that throws (a metrics listener, a bug) is survived and "the state is safe to
/// resume from". These are steps that throw half-way: what they leave behind.
/// </summary>
public sealed class FaultedStepTests
{
    [Fact]
    public async Task A_force_disable_whose_step_faults_after_the_disable_landed_is_still_answered()
    {
        // Interleaving: the loop dequeues the ForceDisableProtectionAsync request, tells, sends the disable; the agent
        // applies it; recording the call (BoundedBackend's finally, metrics) throws. The exception leaves ForceDisableAsync
        // before the request's completion is set and the barrier logs and survives it; the request, no longer queued,
        // must be answered on the step's way out, for neither the loop nor the stop (which only drains the queue) would.
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

    [Fact]
    public async Task A_release_whose_step_faults_does_not_leave_the_mode_stuck_at_Releasing()
    {
        // Interleaving: the release's disable lands, recording the call throws, and ReleaseAsync leaves on the exception.
        // A session entering within the fault's backoff wakes the loop, which acquires for it. Mode() puts Releasing above
        // everything but Stopped and Faulted, so a Releasing mark left behind would be published while protected, and hide
        // Draining (and ForceDisabled, Capped, Lost) from admission: a synchronous session entering in the drain admitted.
        using ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        IMeterFactory meters = services.GetRequiredService<IMeterFactory>();
        using var listener = new ThrowOnAgentCall(meters);
        await using var h = new Harness(
            new TaskProtectionOptions { MaxProtectionDuration = TimeSpan.FromHours(1), MaxProtectionDrain = TimeSpan.FromMinutes(30) },
            meterFactory: meters);
        CriticalSession first = h.Entered("first");
        h.AdvanceTo(TimeSpan.FromSeconds(10));
        first.Dispose();
        h.Pump();
        listener.ArmOnce();
        h.AdvanceTo(TimeSpan.FromSeconds(15));
        Assert.False(h.Model.IsProtected, "Released at 15 s.");
        Assert.Equal(1, h.Manager.GetStatus().LoopFaults);

        // The faulted release also left its disable counted as one that may still land (until 15 s + 12.001 s + 5 s):
        // the acquire waits for that, then goes out.
        Task<CriticalSession> entering = h.EnterAsync("second");
        h.AdvanceTo(TimeSpan.FromSeconds(33));
        Assert.True(entering.IsCompletedSuccessfully);
        using CriticalSession second = await entering;
        Assert.True(h.Model.IsProtected);

        ProtectionMode modeWhileProtected = h.Manager.Mode;

        // Half an hour before the cap the task drains: a new session must be refused.
        h.AdvanceTo(TimeSpan.FromMinutes(31));
        bool refused = false;
        try
        {
            h.Registry.Enter("late-synchronous").Dispose();
        }
        catch (CriticalSessionRefusedException)
        {
            refused = true;
        }

        Assert.True(
            modeWhileProtected == ProtectionMode.Protected && refused,
            $"Mode while protected: {modeWhileProtected} (expected Protected); mode in the drain: {h.Manager.Mode} (expected Draining); a synchronous session entering in the drain refused: {refused}.");
    }
}
