using Microsoft.Extensions.Logging;
using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// LossSignal.TryRaise claims the epoch first, then logs, then cancels the token and posts the handlers. Whoever calls
/// TryRaise in between finds it claimed; it must not take that as "told already" and let a session body start, or a
/// disable go out, before the application was told.
/// </summary>
public sealed class LossSignalRaceTests
{
    [Fact]
    public async Task A_session_going_ahead_while_the_loop_is_telling_does_not_start_before_the_application_was_told()
    {
        // Interleaving: ECS refuses the acquire (TASK_NOT_VALID). The loop publishes mode Lost and calls TryRaise, which
        // claims the epoch and logs ProtectionLost (1030) before cancelling the token. While it logs (a synchronous logging
        // provider, or just preemption on a busy task), a session enters: EnterAsync finds coverage closed and mode Lost,
        // proceeds (AcquireTimeoutBehavior.Proceed), its own TryRaise finds the epoch claimed and returns, and EnterAsync
        // would complete: the body would start with ECS holding no protection, ProtectionLostToken not cancelled and no
        // ProtectionLost raised. Likewise Enter (synchronous) would return untold although no protection can come for it.
        var logger = new OnceAtLogEvent(1030);
        await using var h = new Harness(logger: logger);
        bool raised = false;
        h.Manager.ProtectionLost += (_, _) => raised = true;
        Task<CriticalSession>? late = null;
        bool lateStartedUntold = false;
        bool syncStartedUntold = false;
        logger.Action = () =>
        {
            late = h.Registry.EnterAsync("late").AsTask();

            // Let its waiter run now, as another thread would: it proceeds, then returns after one yield.
            h.Scheduler.RunPendingNow();
            h.Scheduler.RunPendingNow();
            lateStartedUntold = late.IsCompletedSuccessfully && !h.Manager.ProtectionLostToken.IsCancellationRequested && !raised && !h.Model.IsProtected;

            CriticalSession sync = h.Registry.Enter("late-synchronous");
            syncStartedUntold = !h.Manager.ProtectionLostToken.IsCancellationRequested && !raised && !h.Model.IsProtected;
            sync.Dispose();
        };
        h.Model.Enqueue(AgentFault.EcsFailure("TASK_NOT_VALID"));

        Task<CriticalSession> first = h.EnterAsync("first");
        h.Pump();

        Assert.NotNull(late);
        Assert.True(h.Manager.ProtectionLostToken.IsCancellationRequested);
        Assert.True(
            !lateStartedUntold && !syncStartedUntold,
            $"Returned (the body may start) with ECS holding nothing, before the token was cancelled or ProtectionLost raised: EnterAsync('late') {lateStartedUntold}, Enter('late-synchronous') {syncStartedUntold}.");
        (await late).Dispose();
        (await first).Dispose();
    }

    [Fact]
    public async Task A_force_disable_while_a_waiting_session_is_telling_does_not_disable_before_the_running_ones_were_told()
    {
        // The same window from the other side. Interleaving: renewals fail from 300 s (coverage closed); a session that
        // entered at 301 s reaches AcquireTimeout at 331 s and proceeds: its TryRaise claims the epoch and logs (1030).
        // Meanwhile the loop takes an operator's force-disable: its Commit(Tell.Running) finds the epoch claimed. Were the
        // running session counted as told, the disable would go out and ECS drop protection while "running" works on
        // with the application not told: the token not cancelled, no event raised.
        var logger = new OnceAtLogEvent(1030);
        await using var h = new Harness(logger: logger);
        using CriticalSession running = h.Entered("running");
        bool raised = false;
        h.Manager.ProtectionLost += (_, _) => raised = true;
        bool disabledUntold = false;
        Task? disable = null;
        logger.Action = () =>
        {
            disable = h.Manager.ForceDisableProtectionAsync("operator");
            for (int i = 0; i < 10; i++)
            {
                h.Scheduler.RunPendingNow();
            }

            disabledUntold = !h.Model.IsProtected && !h.Manager.ProtectionLostToken.IsCancellationRequested && !raised;
        };
        h.Model.FaultPolicy = call => call.Body.Contains("true", StringComparison.Ordinal) ? new AgentFault(AgentFaultKind.ServerError) : null;
        h.AdvanceTo(TimeSpan.FromSeconds(301));
        Task<CriticalSession> waiting = h.EnterAsync("waiting");
        Assert.False(waiting.IsCompleted);

        h.AdvanceTo(TimeSpan.FromSeconds(332));

        Assert.NotNull(disable);
        Assert.True(h.Manager.ProtectionLostToken.IsCancellationRequested);
        Assert.False(disabledUntold, "The force-disable reached ECS while a session ran and before the application was told.");
        await disable.WaitAsync(TimeSpan.FromSeconds(10));
        (await waiting).Dispose();
    }
}
