namespace TaskProtection;

/// <summary>
/// Calls that may still take effect at ECS after the loop stopped waiting for them: until when an enable or a disable
/// whose outcome is unknown may land, and the fewest minutes such an enable asked for. A value with pure transitions:
/// each call counts as one that may land from the moment it is sent until a definite answer says otherwise, so that
/// nothing thrown in between can leave it unrecorded.
/// </summary>
/// <param name="EnableUntil">Until when an enable whose outcome is unknown may still land.</param>
/// <param name="EnableMinutes">The fewest minutes such an enable asked for (landing, it resets the expiry to then plus those); int.MaxValue when none.</param>
/// <param name="DisableUntil">Until when a disable whose outcome is unknown may still land: no enable may go out before.</param>
internal readonly record struct LateLandings(long EnableUntil, int EnableMinutes, long DisableUntil)
{
    /// <summary>Nothing may land.</summary>
    public static LateLandings None { get; } = new(long.MinValue, int.MaxValue, long.MinValue);

    /// <summary>An enable of <paramref name="minutes"/> goes out at <paramref name="sentAt"/>; it may land until <paramref name="outUntil"/>.</summary>
    public LateLandings BeforeEnable(long sentAt, int minutes, long outUntil) =>
        this with
        {
            EnableUntil = Math.Max(EnableUntil, outUntil),
            EnableMinutes = Math.Min(EnableUntil > sentAt ? EnableMinutes : int.MaxValue, minutes),
        };

    /// <summary>
    /// The enable sent with <see cref="BeforeEnable"/> was answered: with <paramref name="mayHaveLanded"/>, it may still land
    /// until <paramref name="landsBy"/>; otherwise the bounds go back to <paramref name="before"/>.
    /// </summary>
    public LateLandings AfterEnable(LateLandings before, bool mayHaveLanded, long landsBy) =>
        mayHaveLanded
            ? this with { EnableUntil = Math.Max(before.EnableUntil, landsBy) }
            : this with { EnableUntil = before.EnableUntil, EnableMinutes = before.EnableMinutes };

    /// <summary>A disable goes out; it may land until <paramref name="outUntil"/>.</summary>
    public LateLandings BeforeDisable(long outUntil) => this with { DisableUntil = Math.Max(DisableUntil, outUntil) };

    /// <summary>The disable sent with <see cref="BeforeDisable"/> was answered.</summary>
    public LateLandings AfterDisable(LateLandings before, bool mayHaveLanded, long landsBy) =>
        this with { DisableUntil = mayHaveLanded ? Math.Max(before.DisableUntil, landsBy) : before.DisableUntil };

    /// <summary>
    /// How many minutes a lease confirmed for <paramref name="minutes"/>, sent at <paramref name="sentAt"/>, counts: an
    /// earlier enable that may still land after it resets the expiry to its landing plus its own minutes, so no more than those.
    /// </summary>
    public int CountedMinutes(long sentAt, int minutes) => EnableUntil > sentAt ? Math.Min(minutes, EnableMinutes) : minutes;
}
