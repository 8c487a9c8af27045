using TaskProtection.Testing;
using TaskProtection.Tests.Coordination;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// A force-disable during the drain before the cap ends the period: renewals stop, and the lease runs out at the latest at
/// its expiry. Whether or not ECS confirmed the disable, the drain must end with it (a cool-down after), not refuse new
/// sessions for ever.
/// </summary>
public sealed class ForceDisableDuringDrainTests
{
    [Fact]
    public async Task A_force_disable_refused_during_the_drain_does_not_refuse_sessions_for_ever()
    {
        // Interleaving: cap 1 h, drain 10 min (from 50 min). The session runs into the drain; at 51 min the operator
        // force-disables, and ECS refuses it (TASK_NOT_VALID): the caller hears the failure, renewals stop, the lease runs
        // out by 57 min at the latest. The session ends at 52 min. Nothing ends the drain: no release comes (force-disabled,
        // no session entered after it can be admitted), and the lease is no longer held for EndLease to end it.
        await using var h = new Harness(new TaskProtectionOptions { MaxProtectionDuration = TimeSpan.FromHours(1), MaxProtectionDrain = TimeSpan.FromMinutes(10) });
        CriticalSession first = h.Entered("first");
        h.AdvanceTo(TimeSpan.FromMinutes(51));
        Assert.False(h.Manager.Admission.IsAccepting, "Draining from 50 min.");
        h.Model.Enqueue(AgentFaultKind.TaskNotValid);
        Task disable = h.Manager.ForceDisableProtectionAsync("operator: unblock the deployment");
        h.Pump();
        h.AdvanceTo(TimeSpan.FromMinutes(51) + TimeSpan.FromSeconds(1));
        Assert.True(disable.IsFaulted, $"The refused force-disable is reported to its caller: {disable.Status}.");
        h.AdvanceTo(TimeSpan.FromMinutes(52));
        first.Dispose();
        h.Pump();

        h.AdvanceTo(TimeSpan.FromHours(3));
        AdmissionState admission = h.Manager.Admission;
        Task<CriticalSession> next = h.EnterAsync("next");
        h.AdvanceTo(TimeSpan.FromHours(3) + TimeSpan.FromSeconds(1));

        Assert.True(
            next.IsCompletedSuccessfully && h.Model.IsProtected,
            $"Two hours after the force-disable: admission {admission.RefusalReason} ({admission.Why}); mode {h.Manager.Mode}; the new session {next.Status} {next.Exception?.InnerException?.Message}.");
        (await next).Dispose();
    }

    [Fact]
    public async Task A_force_disable_by_another_process_during_the_drain_does_not_refuse_sessions_for_ever()
    {
        // Interleaving: two processes of one task (a coordination directory), cap 1 h, drain 10 min (from 50 min); each runs a
        // session into the drain. At 51 min process 0 force-disables (confirmed): its own drain ends with a cool-down.
        // Process 1 hears of it and stops renewing, but keeps draining: its session ends at 52 min, and nothing ends the
        // drain (no release of its own, no lease held to end).
        var options = new TaskProtectionOptions { MaxProtectionDuration = TimeSpan.FromHours(1), MaxProtectionDrain = TimeSpan.FromMinutes(10) };
        await using var task = new CoordinatedTask(2, _ => options);
        CriticalSession a = task[0].Entered("a");
        CriticalSession b = task[1].Entered("b");
        task.AdvanceTo(TimeSpan.FromMinutes(51));
        Assert.False(task[1].Manager.Admission.IsAccepting, "Process 1 drains from 50 min.");
        Task disable = task[0].Manager.ForceDisableProtectionAsync("operator: unblock the deployment");
        task.AdvanceTo(TimeSpan.FromMinutes(51) + TimeSpan.FromSeconds(30));
        Assert.True(disable.IsCompletedSuccessfully, $"The force-disable was confirmed: {disable.Status} {disable.Exception?.InnerException?.Message}.");
        task.AdvanceTo(TimeSpan.FromMinutes(52));
        a.Dispose();
        b.Dispose();
        task[0].Pump();

        task.AdvanceTo(TimeSpan.FromHours(3));
        AdmissionState admission = task[1].Manager.Admission;
        Task<CriticalSession> next = task[1].EnterAsync("next");
        task.AdvanceTo(TimeSpan.FromHours(3) + TimeSpan.FromSeconds(5));

        Assert.True(
            next.IsCompletedSuccessfully && task.Model.IsProtected,
            $"Two hours after the force-disable, process 1: admission {admission.RefusalReason} ({admission.Why}); mode {task[1].Manager.Mode}; the new session {next.Status} {next.Exception?.InnerException?.Message}.");
        (await next).Dispose();
    }
}
