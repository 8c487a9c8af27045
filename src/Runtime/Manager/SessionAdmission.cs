using System.Globalization;
using Microsoft.Extensions.Logging;

namespace TaskProtection;

/// <summary>
/// The slow path of <see cref="CriticalSessionRegistry.EnterAsync"/>: a session that protection does not cover yet
/// waits on the coverage gate until it does, or until AcquireTimeout, a refusal or the cap decides otherwise. A
/// session that goes ahead without protection tells the application first, before its body can start.
/// </summary>
internal sealed class SessionAdmission(
    TaskProtectionOptions options,
    ManagerClock clock,
    SessionCounts sessions,
    CoverageGate gate,
    LoopWake wake,
    LossSignal signal,
    ManagerView view,
    LoopDispatcher dispatcher,
    ILogger logger,
    AdmissionRules admission,
    WorkIntake intake,
    object owner,
    bool hasAgent)
{
    /// <summary>Whether protection covers a session entering now (and the task takes work): cheap, lock-free, allocation-free.</summary>
    public bool IsCovered(long now) => intake.StoppedBecause is null && (!hasAgent || gate.IsCovered(now));

    public Task<CriticalSession> WaitForCoverageAsync(CriticalSession session, CancellationToken cancellationToken)
    {
        // Counted as waiting before the loop can look: a waiting session's body has not started, so a lapse now is not
        // one that work runs through.
        sessions.AddWaiting(1);

        // A waiter may need the loop even without a 0→1 change (a new session after a force-disable, say).
        wake.Request();

        // Not StartNew(…, cancellationToken): a token cancelled before the scheduler ran the waiter would cancel it
        // unstarted, and nothing would end the session. The waiter observes the token itself.
        return dispatcher.RunForCaller(() => WaitCoreAsync(session, cancellationToken));
    }

    /// <summary>
    /// A synchronous session started without coverage. If the task refuses new work, it is refused (returned); if no
    /// acquisition can come for it (capped, faulted), its body runs unprotected from now on: tell the application before
    /// Enter returns.
    /// </summary>
    public AdmissionState? OnUncoveredEntry()
    {
        wake.Request();
        ProtectionMode mode = view.Mode;
        if (admission.Current() is { IsAccepting: false } refused)
        {
            return refused;
        }

        if (UnprotectedBecause(mode) is { } loss)
        {
            signal.TryRaise(owner, loss.Reason, loss.Why, null, sessions.Snapshot());
        }

        return null;
    }

    private async Task<CriticalSession> WaitCoreAsync(CriticalSession session, CancellationToken cancellationToken)
    {
        try
        {
            await WaitUntilCoveredAsync(session, cancellationToken);

            // Go on as a work item of its own: the gate wakes every waiter on one work item, and the session's body runs on
            // from here inline, so the bodies would otherwise start one after another, each up to its first await.
            await Task.Yield();
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private async Task WaitUntilCoveredAsync(CriticalSession session, CancellationToken cancellationToken)
    {
        long deadline = clock.Now + clock.ToTicks(options.AcquireTimeout);
        while (true)
        {
            // Read the gate before the state: a state change after this read completes this gate.
            Task changed = gate.Current;

            // No longer waiting before looking at coverage: from here this session counts as running, so a loop that
            // closes coverage and then counts running sessions either counts it or is seen by it (full fences both).
            sessions.AddWaiting(-1);

            // Its body has not started: once shutdown began, refusing it costs nothing, while admitting it into a task
            // that ECS is stopping (it may have picked the task just before this session's protection landed) would
            // start work that the stop then kills.
            if (admission.Current() is { IsAccepting: false } refused)
            {
                throw CriticalSessionRefusedException.For(session.Name ?? "?", refused);
            }

            if (IsCovered(clock.Now))
            {
                return;
            }

            if (FailFast(session) is { } loss)
            {
                ProceedOrThrow(session, loss);
                return;
            }

            long left = deadline - clock.Now;
            if (left <= 0)
            {
                ProceedOrThrow(session, new Loss(
                    ProtectionLossReason.NotConfirmed,
                    string.Create(CultureInfo.InvariantCulture, $"protection was not confirmed within AcquireTimeout ({DurationText.Format(options.AcquireTimeout)})")));
                return;
            }

            sessions.AddWaiting(1);
            try
            {
                await changed.WaitAsync(clock.WholeMillisecondsUp(left), clock.Provider, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Loop once more: the deadline check above reports it.
            }
            catch
            {
                sessions.AddWaiting(-1);
                throw;
            }
        }
    }

    /// <summary>Why a waiting session cannot expect protection within its wait, if it cannot.</summary>
    private Loss? FailFast(CriticalSession session)
    {
        ProtectionMode mode = view.Mode;
        if (mode == ProtectionMode.ForceDisabled && session.Id <= view.ForceDisabledAtEntered)
        {
            return new Loss(ProtectionLossReason.ForceDisabled, "protection was force-disabled");
        }

        return UnprotectedBecause(mode);
    }

    /// <summary>The modes in which no protection is coming for a session entering now.</summary>
    private Loss? UnprotectedBecause(ProtectionMode mode) => mode switch
    {
        ProtectionMode.Lost => new Loss(ProtectionLossReason.Refused, "protection was lost: " + (signal.Why ?? view.Core.LastError ?? "see the log")),
        ProtectionMode.Capped => new Loss(ProtectionLossReason.MaxDurationReached, CappedWhy()),
        ProtectionMode.Stopped => new Loss(ProtectionLossReason.Stopped, "the task protection manager is stopped"),
        ProtectionMode.Faulted => new Loss(ProtectionLossReason.ManagerFaulted, view.Core.LastError ?? "the protection loop stopped on an unexpected error"),
        _ => null,
    };

    private string CappedWhy()
    {
        long cooldownUntil = view.Core.CooldownUntil;
        string resumes = cooldownUntil == 0
            ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $"; it may be acquired again from {clock.ToUtc(cooldownUntil, clock.Now, clock.UtcNow):O}");
        return string.Create(CultureInfo.InvariantCulture, $"continuous protection reached MaxProtectionDuration ({DurationText.Format(options.MaxProtectionDuration)}){resumes}");
    }

    private void ProceedOrThrow(CriticalSession session, Loss loss)
    {
        if (options.AcquireTimeoutBehavior == AcquireTimeoutBehavior.Throw)
        {
            throw new TaskProtectionException(
                $"Critical session '{session.Name}' was not started: {loss.Why}. (AcquireTimeoutBehavior is Throw; set it to Proceed to run unprotected instead.)");
        }

        // Its body starts when this returns: the application hears of it first (a no-op if already told).
        signal.TryRaise(owner, loss.Reason, loss.Why, null, sessions.Snapshot());
        Log.ProceedingUnprotected(logger, session.Name, session.Id, loss.Why);
    }

    private readonly record struct Loss(ProtectionLossReason Reason, string Why);
}
