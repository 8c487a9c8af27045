using Microsoft.Extensions.Logging;

namespace TaskProtection;

/// <summary>Source-generated log messages; event ids are stable and documented.</summary>
internal static partial class Log
{
    /// <summary>Durations in messages as people write them (29 s, 2 min), passed formatted: LoggerMessage would print 00:00:29.</summary>
    private static string D(TimeSpan span) => DurationText.Format(span);

    [LoggerMessage(1001, LogLevel.Information, "Task protection is unavailable: {Reason}. Critical sessions are tracked; no agent is called.")]
    public static partial void Unavailable(ILogger logger, string reason);

    public static void Started(ILogger logger, string agentDescription, int expiresInMinutes, TimeSpan buffer, int toleratedFailures) =>
        StartedMessage(logger, agentDescription, expiresInMinutes, D(buffer), GapBudget.DescribeTolerance(toleratedFailures));

    [LoggerMessage(1002, LogLevel.Information, "Task protection manager started: agent {AgentDescription}, lease {ExpiresInMinutes} min, renewal when {Buffer} is left; it {Tolerance}.")]
    private static partial void StartedMessage(ILogger logger, string agentDescription, int expiresInMinutes, string buffer, string tolerance);

    [LoggerMessage(1010, LogLevel.Information, "Protection acquired for {ExpiresInMinutes} min ({ActiveSessions} active sessions).")]
    public static partial void Acquired(ILogger logger, int expiresInMinutes, int activeSessions);

    public static void Renewed(ILogger logger, int expiresInMinutes, TimeSpan late) =>
        RenewedMessage(logger, expiresInMinutes, late < TimeSpan.FromMilliseconds(1) ? "on time" : D(late) + " late");

    [LoggerMessage(1011, LogLevel.Information, "Protection renewed for {ExpiresInMinutes} min ({Late}).")]
    private static partial void RenewedMessage(ILogger logger, int expiresInMinutes, string late);

    public static void Releasing(ILogger logger, TimeSpan releaseDelay) =>
        ReleasingMessage(logger, D(releaseDelay));

    [LoggerMessage(1013, LogLevel.Debug, "Releasing protection: no session for {ReleaseDelay}.")]
    private static partial void ReleasingMessage(ILogger logger, string releaseDelay);

    [LoggerMessage(1012, LogLevel.Information, "Protection released after the last session ended.")]
    public static partial void Released(ILogger logger);

    public static void CallFailedRetrying(ILogger logger, string operation, int consecutiveFailures, TimeSpan retryIn, string error) =>
        CallFailedRetryingMessage(logger, operation, consecutiveFailures, D(retryIn), error);

    [LoggerMessage(1020, LogLevel.Warning, "{Operation} failed ({ConsecutiveFailures} in a row; retry in {RetryIn}): {Error}")]
    private static partial void CallFailedRetryingMessage(ILogger logger, string operation, int consecutiveFailures, string retryIn, string error);

    /// <summary>A call that retrying cannot help: refused when ECS (or its agent) answered no, failed when no usable answer came.</summary>
    public static void CallGaveUp(ILogger logger, string operation, TaskProtectionCallException error)
    {
        if (IsRefusal(error))
        {
            CallRefused(logger, operation, error.Message);
        }
        else
        {
            CallFailed(logger, operation, error.Message);
        }
    }

    [LoggerMessage(1021, LogLevel.Error, "{Operation} was refused by ECS, and retrying cannot help: {Error}")]
    private static partial void CallRefused(ILogger logger, string operation, string error);

    [LoggerMessage(1022, LogLevel.Error, "{Operation} failed, and retrying cannot help: {Error}")]
    private static partial void CallFailed(ILogger logger, string operation, string error);

    /// <summary>The stop's one release did not go through: nothing is lost, the lease runs out by itself.</summary>
    public static void ReleaseOnStopFailed(ILogger logger, TaskProtectionCallException error) =>
        ReleaseOnStopFailedMessage(logger, IsRefusal(error) ? "was refused by ECS" : "failed", error.Message);

    [LoggerMessage(1023, LogLevel.Warning, "Releasing protection on stop {Outcome}, so the task stays protected until its lease runs out: {Error}")]
    private static partial void ReleaseOnStopFailedMessage(ILogger logger, string outcome, string error);

    /// <summary>
    /// Critical when protection the task held is lost against its will (a lapse, a refused renewal, a dead loop); Error when
    /// work goes on unprotected because ECS refused the first enable or the drain gave up; Warning when nothing held was
    /// lost by surprise: protection never confirmed, the configured cap, or a force-disable the application asked for.
    /// </summary>
    public static void ProtectionLost(ILogger logger, ProtectionLossReason reason, bool heldProtection, string why, int activeSessions, string sessions)
    {
        LogLevel level = reason switch
        {
            ProtectionLossReason.Lapsed or ProtectionLossReason.ManagerFaulted => LogLevel.Critical,
            ProtectionLossReason.Refused => heldProtection ? LogLevel.Critical : LogLevel.Error,
            ProtectionLossReason.Stopped => LogLevel.Error,
            _ => LogLevel.Warning,
        };
        ProtectionLostMessage(logger, level, reason, why, activeSessions, sessions);
    }

    [LoggerMessage(EventId = 1030, Message = "Task protection lost ({Reason}: {Why}) while {ActiveSessions} sessions are active: {Sessions}. The task may be scaled in; stop taking new work.")]
    private static partial void ProtectionLostMessage(ILogger logger, LogLevel level, ProtectionLossReason reason, string why, int activeSessions, string sessions);

    [LoggerMessage(1031, LogLevel.Information, "Task protection restored.")]
    public static partial void ProtectionRestored(ILogger logger);

    [LoggerMessage(1034, LogLevel.Error, "A ProtectionLost handler threw; ProtectionLostToken was cancelled before it ran and the other handlers still run.")]
    public static partial void ProtectionLostHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(1035, LogLevel.Error, "A callback registered on ProtectionLostToken threw; the token is cancelled and the other callbacks ran.")]
    public static partial void ProtectionLostCallbackFailed(ILogger logger, Exception exception);

    public static void Capped(ILogger logger, TimeSpan max, DateTimeOffset ends, DateTimeOffset cooldownEnds, string sessions) =>
        CappedMessage(logger, D(max), ends, cooldownEnds, sessions);

    [LoggerMessage(1032, LogLevel.Warning, "Continuous protection reaches MaxProtectionDuration ({Max}): renewals stop, protection ends at {Ends:O} and may be acquired again from {CooldownEnds:O}. Sessions running: {Sessions}")]
    private static partial void CappedMessage(ILogger logger, string max, DateTimeOffset ends, DateTimeOffset cooldownEnds, string sessions);

    public static void Draining(ILogger logger, TimeSpan drain, DateTimeOffset capEnds, string sessions) =>
        DrainingMessage(logger, D(drain), capEnds, sessions);

    [LoggerMessage(1037, LogLevel.Information, "Continuous protection is in its last MaxProtectionDrain ({Drain}) before the cap at {CapEnds:O}: new sessions are refused, the running ones stay protected and protection is released when they end. Sessions running: {Sessions}")]
    private static partial void DrainingMessage(ILogger logger, string drain, DateTimeOffset capEnds, string sessions);

    [LoggerMessage(1036, LogLevel.Information, "The cool-down after MaxProtectionDuration is over: protection may be acquired again.")]
    public static partial void CooldownOver(ILogger logger);

    public static void RenewalLate(ILogger logger, TimeSpan late, TimeSpan tolerance) =>
        RenewalLateMessage(logger, D(late), D(tolerance));

    [LoggerMessage(1033, LogLevel.Warning, "Renewal ran {Late} late (beyond SchedulingTolerance {Tolerance}); the process may be starved of CPU.")]
    private static partial void RenewalLateMessage(ILogger logger, string late, string tolerance);

    public static void LoopFault(ILogger logger, int faults, TimeSpan retryIn, Exception exception) =>
        LoopFaultMessage(logger, faults, D(retryIn), exception);

    [LoggerMessage(1070, LogLevel.Error, "The protection loop failed unexpectedly ({Faults} in a row); it carries on in {RetryIn}.")]
    private static partial void LoopFaultMessage(ILogger logger, int faults, string retryIn, Exception exception);

    [LoggerMessage(1071, LogLevel.Critical, "The protection loop stopped on an unexpected error: protection is no longer renewed and will run out. Restart the process and report the error.")]
    public static partial void LoopDied(ILogger logger, Exception exception);

    [LoggerMessage(1040, LogLevel.Warning, "Session {SessionName} ({SessionId}) proceeds without confirmed protection: {Why}")]
    public static partial void ProceedingUnprotected(ILogger logger, string? sessionName, long sessionId, string why);

    [LoggerMessage(1050, LogLevel.Warning, "Protection force-disabled: {Reason}. Active sessions now unprotected: {Sessions}")]
    public static partial void ForceDisabled(ILogger logger, string reason, string sessions);

    [LoggerMessage(1051, LogLevel.Warning, "Stopping with {ActiveSessions} active sessions; nothing renews their protection any more: {Sessions}")]
    public static partial void StoppingWithSessions(ILogger logger, int activeSessions, string sessions);

    public static void ShutdownRequested(ILogger logger, int activeSessions, TimeSpan drainTimeout, string sessions) =>
        ShutdownRequestedMessage(logger, activeSessions, D(drainTimeout), sessions);

    [LoggerMessage(1060, LogLevel.Information, "Shutdown requested with {ActiveSessions} active sessions; waiting up to {DrainTimeout} for them to end while protection is kept: {Sessions}")]
    private static partial void ShutdownRequestedMessage(ILogger logger, int activeSessions, string drainTimeout, string sessions);

    [LoggerMessage(1066, LogLevel.Information, "Shutdown requested with no critical session running: nothing to wait for.")]
    public static partial void ShutdownRequestedIdle(ILogger logger);

    public static void Drained(ILogger logger, TimeSpan elapsed) =>
        DrainedMessage(logger, D(elapsed));

    [LoggerMessage(1061, LogLevel.Information, "Drained: every critical session ended after {Elapsed}.")]
    private static partial void DrainedMessage(ILogger logger, string elapsed);

    public static void DrainGaveUp(ILogger logger, int activeSessions, TimeSpan elapsed, string why) =>
        DrainGaveUpMessage(logger, activeSessions, D(elapsed), why);

    [LoggerMessage(1062, LogLevel.Error, "Drain gave up after {Elapsed} with {ActiveSessions} sessions still running, because {Why}; protection is released and their work may be lost.")]
    private static partial void DrainGaveUpMessage(ILogger logger, int activeSessions, string elapsed, string why);

    public static void SessionAbandoned(ILogger logger, string sessionName, long sessionId, TimeSpan age) =>
        SessionAbandonedMessage(logger, sessionName, sessionId, D(age));

    [LoggerMessage(1063, LogLevel.Error, "Abandoned critical session {SessionName} (id {SessionId}, running for {Age}).")]
    private static partial void SessionAbandonedMessage(ILogger logger, string sessionName, long sessionId, string age);

    [LoggerMessage(1064, LogLevel.Warning, "A ShutdownRequested callback failed; shutdown goes on.")]
    public static partial void ShutdownCallbacksFailed(ILogger logger, Exception exception);

    [LoggerMessage(1065, LogLevel.Warning, "Second stop signal ({Signal}) during the drain: giving up the wait for running sessions now.")]
    public static partial void SecondSignal(ILogger logger, string signal);

    [LoggerMessage(1080, LogLevel.Information, "Release not sent: another process of the task still holds sessions; the last to finish releases.")]
    public static partial void ReleaseSkipped(ILogger logger);

    [LoggerMessage(1084, LogLevel.Warning, "Release not sent: whether another process of the task holds sessions cannot be known ({Why}), so one is assumed to; looking again shortly.")]
    public static partial void ReleaseSkippedUnknownHolders(ILogger logger, string why);

    [LoggerMessage(1081, LogLevel.Warning, "The coordination state in {Directory} could not be trusted ({Why}); assuming a release may still land and no expiry is known, then writing it anew.")]
    public static partial void CoordinationStateRecovered(ILogger logger, string directory, string why);

    [LoggerMessage(1085, LogLevel.Warning, "{Warning}")]
    public static partial void CoordinationWarning(ILogger logger, string warning);

    [LoggerMessage(1082, LogLevel.Warning, "Another process of the task ({By}) force-disabled protection: {Reason}. Sessions here are told.")]
    public static partial void RemoteForceDisable(ILogger logger, string by, string reason);

    [LoggerMessage(1086, LogLevel.Warning, "The force-disable goes out before every process of the task confirmed it told its sessions: {Why}.")]
    public static partial void ForceDisableUnannounced(ILogger logger, string why);

    [LoggerMessage(1083, LogLevel.Warning, "No process of the task holds sessions any more (the last holder stopped without releasing: killed?): releasing the task's protection on its behalf.")]
    public static partial void ReleasingOrphaned(ILogger logger);

    /// <summary>An answer that said no (a failure, a 4xx, throttling), as opposed to none (timeout, broken connection) or a 5xx.</summary>
    private static bool IsRefusal(TaskProtectionCallException error) =>
        error.Kind is CallFailureKind.Failure or CallFailureKind.Throttled || (error.Kind == CallFailureKind.Error && error.StatusCode is >= 400 and < 500);

    public static void DeploymentBlocked(ILogger logger, string operation, int refusals, TimeSpan retryIn, string error) =>
        DeploymentBlockedMessage(logger, operation, refusals, D(retryIn), error);

    [LoggerMessage(1024, LogLevel.Warning, "{Operation} was refused while a deployment of the service is blocked (DEPLOYMENT_BLOCKED, {Refusals} in a row): {Error} The application is told; trying again in {RetryIn}, as AWS advises for it.")]
    private static partial void DeploymentBlockedMessage(ILogger logger, string operation, int refusals, string retryIn, string error);

    /// <summary>An enable that retrying at once cannot help: the application is told, and it is tried again at the watchdog's pace.</summary>
    public static void EnableGaveUp(ILogger logger, string operation, TimeSpan retryIn, TaskProtectionCallException error) =>
        EnableGaveUpMessage(logger, operation, IsRefusal(error) ? "was refused by ECS" : "failed", D(retryIn), error.Message);

    [LoggerMessage(1025, LogLevel.Error, "{Operation} {Outcome}, and trying again will not help until its cause is fixed: {Error} The application is told; trying again every {RetryIn} while sessions need protection.")]
    private static partial void EnableGaveUpMessage(ILogger logger, string operation, string outcome, string retryIn, string error);

    [LoggerMessage(1038, LogLevel.Information, "The task stopped taking work ({Reason}): new sessions are refused, the running ones stay protected and protection is released when they end. Sessions running: {Sessions}")]
    public static partial void StoppedTakingWork(ILogger logger, string reason, string sessions);

    [LoggerMessage(1039, LogLevel.Information, "The task takes work again.")]
    public static partial void TakingWorkAgain(ILogger logger);

    [LoggerMessage(1041, LogLevel.Error, "An AdmissionChanged handler threw; the other handlers still ran.")]
    public static partial void AdmissionHandlerFailed(ILogger logger, Exception exception);
}
