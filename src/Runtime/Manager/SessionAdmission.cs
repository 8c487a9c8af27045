using System.Globalization;

namespace TaskProtection;

/// <summary>
/// The slow path of <see cref="CriticalSessionRegistry.EnterAsync"/>: a session that protection does not cover yet
/// waits on the coverage gate until it does, or until AcquireTimeout, a refusal or the cap decides otherwise.
/// </summary>
internal sealed class SessionAdmission(ManagerContext context, bool hasAgent)
{
    public bool IsCovered(long now) => !hasAgent || context.Gate.IsCovered(now);

    public Task<CriticalSession> WaitForCoverageAsync(CriticalSession session, CancellationToken cancellationToken)
    {
        // A waiter may need the loop even without a 0→1 change (a new session after a force-disable, say).
        context.Wake.Request();

        // Not StartNew(…, cancellationToken): a token cancelled before the scheduler ran the waiter would cancel it
        // unstarted, and nothing would end the session. The waiter observes the token itself.
        return context.Dispatcher.Run(() => WaitCoreAsync(session, cancellationToken));
    }

    private async Task<CriticalSession> WaitCoreAsync(CriticalSession session, CancellationToken cancellationToken)
    {
        try
        {
            await WaitUntilCoveredAsync(session, cancellationToken);
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
        ManagerClock clock = context.Clock;
        long deadline = clock.Now + clock.ToTicks(context.Options.AcquireTimeout);
        while (true)
        {
            // Read the gate before the state: a state change after this read completes this gate.
            Task gate = context.Gate.Current;
            if (IsCovered(clock.Now))
            {
                return;
            }

            string? failFast = FailFastReason(session);
            if (failFast is not null)
            {
                ProceedOrThrow(session, failFast);
                return;
            }

            long left = deadline - clock.Now;
            if (left <= 0)
            {
                ProceedOrThrow(session, string.Create(CultureInfo.InvariantCulture, $"protection was not confirmed within AcquireTimeout ({context.Options.AcquireTimeout})"));
                return;
            }

            try
            {
                await gate.WaitAsync(clock.WholeMillisecondsUp(left), clock.Provider, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Loop once more: the deadline check above reports it.
            }
        }
    }

    private string? FailFastReason(CriticalSession session)
    {
        switch (context.State.Mode)
        {
            case ProtectionMode.Lost:
                return "ECS refused task protection: " + (context.State.Core.LastError ?? "see the log");
            case ProtectionMode.Capped:
                return string.Create(CultureInfo.InvariantCulture, $"continuous protection reached MaxProtectionDuration ({context.Options.MaxProtectionDuration})");
            case ProtectionMode.ForceDisabled when session.Id <= context.State.ForceDisabledAtEntered:
                return "protection was force-disabled";
            case ProtectionMode.Stopped:
                return "the task protection manager is stopped";
            case ProtectionMode.Faulted:
                return context.State.Core.LastError ?? "the protection loop stopped on an unexpected error";
            default:
                return null;
        }
    }

    private void ProceedOrThrow(CriticalSession session, string why)
    {
        if (context.Options.AcquireTimeoutBehavior == AcquireTimeoutBehavior.Throw)
        {
            throw new TaskProtectionException(
                $"Critical session '{session.Name}' was not started: {why}. (AcquireTimeoutBehavior is Throw; set it to Proceed to run unprotected instead.)");
        }

        Log.ProceedingUnprotected(context.Logger, session.Name, session.Id, why);
    }
}
