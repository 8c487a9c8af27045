namespace TaskProtection;

/// <summary>
/// The confirmed lease, in the manager's clock units: whether one is held, when it expires (measured from a timestamp
/// taken before its request was sent, so conservatively) and when the current continuous protection began. A value:
/// it changes only by the loop's assignments, and <see cref="LeaseRules"/> does the arithmetic on it.
/// </summary>
/// <param name="IsHeld">Whether a confirmed lease is held.</param>
/// <param name="Expiry">When it expires.</param>
/// <param name="ProtectedSince">When the current continuous protection began (the send time of its first enable).</param>
internal readonly record struct Lease(bool IsHeld, long Expiry, long ProtectedSince)
{
    /// <summary>No lease.</summary>
    public static Lease None => default;

    /// <summary>The expiry to publish: 0 without a lease.</summary>
    public long PublishedExpiry => IsHeld ? Expiry : 0;

    /// <summary>The same lease, no longer held (its times stay, for the cap and messages).</summary>
    public Lease Dropped() => this with { IsHeld = false };
}

/// <summary>A renewal to send at <paramref name="At"/> for <paramref name="Minutes"/> minutes.</summary>
internal readonly record struct RenewalPlan(long At, int Minutes);
