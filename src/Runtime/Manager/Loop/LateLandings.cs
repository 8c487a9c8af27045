namespace TaskProtection;

/// <summary>
/// Calls that may still take effect at ECS after the manager stopped waiting for them (GapBudget.LateLandingWindow
/// after giving up). Each call is assumed to be one until a definite answer says otherwise, so that nothing thrown
/// in between can leave it unrecorded. Loop only.
/// </summary>
internal sealed class LateLandings(ManagerContext context)
{
    private readonly long _landingTicks = context.Clock.ToTicks(GapBudget.LateLandingWindow);

    // A call gives up at its timeout, itself a timer that may fire late.
    private readonly long _outTicks = context.Clock.ToTicks(context.Options.RequestTimeout + context.Options.SchedulingTolerance + GapBudget.TimerResolution);

    /// <summary>Until when an enable whose outcome is unknown may still land.</summary>
    public long EnableUntil { get; private set; } = long.MinValue;

    /// <summary>Until when a disable whose outcome is unknown may still land: no enable may go out before.</summary>
    public long DisableUntil { get; private set; } = long.MinValue;

    /// <summary>
    /// The fewest minutes an enable that may still land asked for: landing, it resets the expiry to then plus that.
    /// int.MaxValue when none.
    /// </summary>
    private int EnableMinutes { get; set; } = int.MaxValue;

    /// <summary>
    /// Whether a failed call may still take effect: no answer (timeout, broken connection, garbled answer) or a server
    /// error, the agent's own 504 RequestCanceled among them. Throttling and refusals were not applied.
    /// </summary>
    public static bool MayHaveLanded(TaskProtectionCallException error) =>
        error.Kind is CallFailureKind.Timeout or CallFailureKind.Transport or CallFailureKind.MalformedResponse
        || (error.Kind == CallFailureKind.Error && error.StatusCode >= 500);

    /// <summary>Records an enable going out; returns what to restore once its fate is known.</summary>
    public Pending BeforeEnable(long sentAt, int minutes)
    {
        var pending = new Pending(EnableUntil, EnableUntil > sentAt ? EnableMinutes : int.MaxValue);
        EnableUntil = Math.Max(EnableUntil, sentAt + _outTicks + _landingTicks);
        EnableMinutes = Math.Min(pending.Minutes, minutes);
        return pending;
    }

    /// <summary>The enable was answered (<paramref name="error"/> null on success).</summary>
    public void AfterEnable(Pending pending, TaskProtectionCallException? error)
    {
        if (error is not null && MayHaveLanded(error))
        {
            EnableUntil = Math.Max(pending.Until, context.Clock.Now + _landingTicks);
            return;
        }

        EnableUntil = pending.Until;
        EnableMinutes = pending.Minutes;
    }

    /// <summary>
    /// How many minutes a lease confirmed for <paramref name="minutes"/> counts: an earlier enable that may still land
    /// (after this one) resets the expiry to its landing plus its own minutes, so no more than those.
    /// </summary>
    public int CountedMinutes(long sentAt, int minutes) => EnableUntil > sentAt ? Math.Min(minutes, EnableMinutes) : minutes;

    /// <summary>Records a disable going out; returns what to restore once its fate is known.</summary>
    public Pending BeforeDisable(long sentAt)
    {
        var pending = new Pending(DisableUntil, 0);
        DisableUntil = Math.Max(DisableUntil, sentAt + _outTicks + _landingTicks);
        return pending;
    }

    /// <summary>The disable was answered (<paramref name="error"/> null on success).</summary>
    public void AfterDisable(Pending pending, TaskProtectionCallException? error) =>
        DisableUntil = error is not null && MayHaveLanded(error) ? Math.Max(pending.Until, context.Clock.Now + _landingTicks) : pending.Until;

    /// <summary>What the bounds were before a call went out.</summary>
    internal readonly record struct Pending(long Until, int Minutes);
}
