namespace TaskProtection;

/// <summary>What the loop does next.</summary>
internal enum StepKind
{
    /// <summary>Nothing is due: wait until <see cref="Step.At"/> or a wake.</summary>
    Wait,

    /// <summary>Send an enable (acquire or renewal) for <see cref="Step.Minutes"/> minutes.</summary>
    Enable,

    /// <summary>Release protection: no session for ReleaseDelay.</summary>
    Release,

    /// <summary>The lease has run out.</summary>
    EndLease,

    /// <summary>The lease ends within the timer tolerance and no renewal was confirmed: tell the running sessions now.</summary>
    ReportLapse,

    /// <summary>No renewal can extend protection without passing MaxProtectionDuration, and one would be due now.</summary>
    Cap,

    /// <summary>The cool-down after the cap is over: protection may be acquired again.</summary>
    EndCooldown,

    /// <summary>Continuous protection reached its drain: refuse new sessions, keep the running ones protected.</summary>
    Drain,

    /// <summary>A session entered after a force-disable: protection may be acquired again.</summary>
    LeaveForceDisabled,

    /// <summary>Sessions that did not wait (synchronous, or gone ahead) have run unconfirmed for AcquireTimeout.</summary>
    ReportNotConfirmed,

    /// <summary>No session and nothing held: forget failures and losses.</summary>
    GoIdle,

    /// <summary>Force-disabled, and an enable abandoned earlier may have landed after the disable: disable once more.</summary>
    DisableAgain,
}

/// <summary>One decision of the loop.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="At">For <see cref="StepKind.Wait"/>, until when; for <see cref="StepKind.Enable"/>, when it was due.</param>
/// <param name="Minutes">For <see cref="StepKind.Enable"/>: the minutes to ask for (0: decide when sending).</param>
internal readonly record struct Step(StepKind Kind, long At = 0, int Minutes = 0)
{
    public static Step WaitUntil(long at) => new(StepKind.Wait, at);
}
