using Microsoft.Extensions.Logging;

namespace TaskProtection;

/// <summary>Source-generated log messages; event ids are stable and documented.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "Task protection is unavailable: {Reason}. Critical sessions are tracked; no agent is called.")]
    public static partial void Unavailable(ILogger logger, string reason);

    [LoggerMessage(1002, LogLevel.Information, "Task protection manager started: agent {AgentDescription}, lease {ExpiresInMinutes} min, renewal when {Buffer} is left, survives {ToleratedFailures} consecutive failed renewals.")]
    public static partial void Started(ILogger logger, string agentDescription, int expiresInMinutes, TimeSpan buffer, int toleratedFailures);

    [LoggerMessage(1010, LogLevel.Information, "Protection acquired for {ExpiresInMinutes} min ({ActiveSessions} active sessions).")]
    public static partial void Acquired(ILogger logger, int expiresInMinutes, int activeSessions);

    [LoggerMessage(1011, LogLevel.Debug, "Protection renewed for {ExpiresInMinutes} min, {Late} after it was due.")]
    public static partial void Renewed(ILogger logger, int expiresInMinutes, TimeSpan late);

    [LoggerMessage(1013, LogLevel.Debug, "Releasing protection: no session for {ReleaseDelay}.")]
    public static partial void Releasing(ILogger logger, TimeSpan releaseDelay);

    [LoggerMessage(1012, LogLevel.Information, "Protection released after the last session ended.")]
    public static partial void Released(ILogger logger);

    [LoggerMessage(1020, LogLevel.Warning, "{Operation} failed ({ConsecutiveFailures} in a row; retry in {RetryIn}): {Error}")]
    public static partial void CallFailedRetrying(ILogger logger, string operation, int consecutiveFailures, TimeSpan retryIn, string error);

    [LoggerMessage(1021, LogLevel.Error, "{Operation} was refused and retrying cannot help: {Error}")]
    public static partial void CallRefused(ILogger logger, string operation, string error);

    [LoggerMessage(1030, LogLevel.Critical, "Task protection lost ({Reason}: {Why}) while {ActiveSessions} sessions are active: {Sessions}. The task may be scaled in; stop taking new work.")]
    public static partial void ProtectionLost(ILogger logger, ProtectionLossReason reason, string why, int activeSessions, string sessions);

    [LoggerMessage(1031, LogLevel.Information, "Task protection restored.")]
    public static partial void ProtectionRestored(ILogger logger);

    [LoggerMessage(1034, LogLevel.Error, "A ProtectionLost handler threw; ProtectionLostToken was cancelled before it ran and the other handlers still run.")]
    public static partial void ProtectionLostHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(1035, LogLevel.Error, "A callback registered on ProtectionLostToken threw; the token is cancelled and the other callbacks ran.")]
    public static partial void ProtectionLostCallbackFailed(ILogger logger, Exception exception);

    [LoggerMessage(1032, LogLevel.Warning, "Continuous protection reaches MaxProtectionDuration ({Max}): renewals stop, protection ends at {Ends:O} and may be acquired again from {CooldownEnds:O}. Sessions running: {Sessions}")]
    public static partial void Capped(ILogger logger, TimeSpan max, DateTimeOffset ends, DateTimeOffset cooldownEnds, string sessions);

    [LoggerMessage(1037, LogLevel.Information, "Continuous protection is in its last MaxProtectionDrain ({Drain}) before the cap at {CapEnds:O}: new sessions are refused, the running ones stay protected and protection is released when they end. Sessions running: {Sessions}")]
    public static partial void Draining(ILogger logger, TimeSpan drain, DateTimeOffset capEnds, string sessions);

    [LoggerMessage(1036, LogLevel.Information, "The cool-down after MaxProtectionDuration is over: protection may be acquired again.")]
    public static partial void CooldownOver(ILogger logger);

    [LoggerMessage(1033, LogLevel.Warning, "Renewal ran {Late} late (beyond SchedulingTolerance {Tolerance}); the process may be starved of CPU.")]
    public static partial void RenewalLate(ILogger logger, TimeSpan late, TimeSpan tolerance);

    [LoggerMessage(1070, LogLevel.Error, "The protection loop failed unexpectedly ({Faults} in a row); it carries on in {RetryIn}.")]
    public static partial void LoopFault(ILogger logger, int faults, TimeSpan retryIn, Exception exception);

    [LoggerMessage(1071, LogLevel.Critical, "The protection loop stopped on an unexpected error: protection is no longer renewed and will run out. Restart the process and report the error.")]
    public static partial void LoopDied(ILogger logger, Exception exception);

    [LoggerMessage(1040, LogLevel.Warning, "Session {SessionName} ({SessionId}) proceeds without confirmed protection: {Why}")]
    public static partial void ProceedingUnprotected(ILogger logger, string? sessionName, long sessionId, string why);

    [LoggerMessage(1050, LogLevel.Critical, "Protection force-disabled: {Reason}. Active sessions now unprotected: {Sessions}")]
    public static partial void ForceDisabled(ILogger logger, string reason, string sessions);

    [LoggerMessage(1051, LogLevel.Warning, "Stopping with {ActiveSessions} active sessions; nothing renews their protection any more: {Sessions}")]
    public static partial void StoppingWithSessions(ILogger logger, int activeSessions, string sessions);

    [LoggerMessage(1060, LogLevel.Information, "Shutdown requested with {ActiveSessions} active sessions; waiting up to {DrainTimeout} for them to end while protection is kept: {Sessions}")]
    public static partial void ShutdownRequested(ILogger logger, int activeSessions, TimeSpan drainTimeout, string sessions);

    [LoggerMessage(1061, LogLevel.Information, "Drained: every critical session ended after {Elapsed}.")]
    public static partial void Drained(ILogger logger, TimeSpan elapsed);

    [LoggerMessage(1062, LogLevel.Error, "Drain gave up after {Elapsed} with {ActiveSessions} sessions still running, because {Why}; protection is released and their work may be lost.")]
    public static partial void DrainGaveUp(ILogger logger, int activeSessions, TimeSpan elapsed, string why);

    [LoggerMessage(1063, LogLevel.Error, "Abandoned critical session {SessionName} (id {SessionId}, running for {Age}).")]
    public static partial void SessionAbandoned(ILogger logger, string sessionName, long sessionId, TimeSpan age);

    [LoggerMessage(1064, LogLevel.Warning, "A ShutdownRequested callback failed; shutdown goes on.")]
    public static partial void ShutdownCallbacksFailed(ILogger logger, Exception exception);

    [LoggerMessage(1065, LogLevel.Warning, "Second stop signal ({Signal}) during the drain: giving up the wait for running sessions now.")]
    public static partial void SecondSignal(ILogger logger, string signal);

    [LoggerMessage(1080, LogLevel.Information, "Release not sent: {Others} other process(es) of the task still hold sessions; the last to finish releases.")]
    public static partial void ReleaseSkipped(ILogger logger, int others);

    [LoggerMessage(1081, LogLevel.Warning, "The coordination state in {Directory} could not be read; assuming a release may still land and no expiry is known, then writing it anew.")]
    public static partial void CoordinationStateRecovered(ILogger logger, string directory);

    [LoggerMessage(1082, LogLevel.Critical, "Another process of the task ({By}) force-disabled protection: {Reason}. Sessions here are told.")]
    public static partial void RemoteForceDisable(ILogger logger, string by, string reason);

    [LoggerMessage(1083, LogLevel.Warning, "No process of the task holds sessions any more (the last holder stopped without releasing: killed?): releasing the task's protection on its behalf.")]
    public static partial void ReleasingOrphaned(ILogger logger);

    [LoggerMessage(1022, LogLevel.Warning, "{Operation} was refused while a deployment of the service is blocked (DEPLOYMENT_BLOCKED, {Refusals} in a row): {Error} The application is told; trying again in {RetryIn}, as AWS advises for it.")]
    public static partial void DeploymentBlocked(ILogger logger, string operation, int refusals, TimeSpan retryIn, string error);

    [LoggerMessage(1023, LogLevel.Error, "{Operation} was refused, and trying again will not help until its cause is fixed: {Error} The application is told; trying again every {RetryIn} while sessions need protection.")]
    public static partial void EnableRefused(ILogger logger, string operation, TimeSpan retryIn, string error);
}
