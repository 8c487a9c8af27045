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

/// <summary>
/// The lease and cap arithmetic: pure functions of a <see cref="Lease"/> and the settings, in clock ticks. Continuous
/// protection ends at <see cref="CapEnd"/>: the last renewal asks for the whole minutes that reach it exactly, and new
/// sessions stop being admitted <see cref="DrainTicks"/> before it.
/// </summary>
/// <param name="BufferTicks">ProtectionBuffer: the lease left when a renewal is due.</param>
/// <param name="MaxTicks">MaxProtectionDuration: the longest continuous protection.</param>
/// <param name="DrainTicks">The drain before the cap in effect; 0 without one.</param>
/// <param name="MinuteTicks">One minute: requests ask for whole minutes.</param>
/// <param name="Minutes">The whole minutes each ordinary request asks for.</param>
/// <param name="LateTicks">How late a timer may fire (SchedulingTolerance plus timer resolution): the lapse watch is armed that much early.</param>
internal sealed record LeaseRules(long BufferTicks, long MaxTicks, long DrainTicks, long MinuteTicks, int Minutes, long LateTicks)
{
    public static LeaseRules From(TaskProtectionOptions options, ManagerClock clock) => new(
        clock.ToTicks(options.ProtectionBuffer),
        clock.ToTicks(options.MaxProtectionDuration),
        clock.ToTicks(options.CapDrain),
        clock.ToTicks(TimeSpan.FromMinutes(1)),
        options.ExpiresInMinutes,
        clock.ToTicks(options.SchedulingTolerance + GapBudget.TimerResolution));

    /// <summary>The length of one ordinary lease.</summary>
    public long LeaseTicks => Minutes * MinuteTicks;

    /// <summary>When continuous protection must end: ProtectedSince + MaxProtectionDuration.</summary>
    public long CapEnd(Lease lease) => lease.ProtectedSince + MaxTicks;

    /// <summary>When new sessions stop being admitted: the drain before the cap; long.MaxValue without a drain.</summary>
    public long DrainFrom(Lease lease) => DrainTicks > 0 ? CapEnd(lease) - DrainTicks : long.MaxValue;

    /// <summary>When the lease left reaches the buffer: a renewal is due, and new sessions are no longer covered.</summary>
    public long RenewalDue(Lease lease) => lease.Expiry - BufferTicks;

    /// <summary>Until when a session entering now is covered: the renewal's due time, but never into the drain.</summary>
    public long CoverageUntil(Lease lease) => Math.Min(RenewalDue(lease), DrainFrom(lease));

    /// <summary>
    /// The latest moment running sessions can still be told before the lease ends, given that the loop's own timer may
    /// fire late: a renewal not confirmed by then is a lapse.
    /// </summary>
    public long LapseAt(Lease lease) => lease.Expiry - LateTicks;

    /// <summary>
    /// The next renewal: when to send it and how many minutes to ask for; null when no renewal can extend protection
    /// without passing the cap. Ordinary renewals are due at <see cref="RenewalDue"/>; the last one asks for the whole
    /// minutes m that end exactly at the cap, sent m minutes before it (no later than it would be due).
    /// </summary>
    public RenewalPlan? NextRenewal(Lease lease)
    {
        long capEnd = CapEnd(lease);
        long due = RenewalDue(lease);
        if (capEnd - due >= LeaseTicks)
        {
            return new RenewalPlan(due, Minutes);
        }

        if (capEnd <= lease.Expiry)
        {
            return null;
        }

        long minutes = (capEnd - due + MinuteTicks - 1) / MinuteTicks;
        return new RenewalPlan(capEnd - (minutes * MinuteTicks), (int)minutes);
    }

    /// <summary>The minutes to ask for when a renewal is actually sent (late, perhaps): at most those that reach the cap.</summary>
    public int MinutesToCap(Lease lease, long sentAt) => (int)Math.Clamp((CapEnd(lease) - sentAt + MinuteTicks - 1) / MinuteTicks, 1, Minutes);

    /// <summary>The lease after a confirmed enable for <paramref name="minutes"/> sent at <paramref name="sentAt"/>.</summary>
    /// <param name="lease">The lease before.</param>
    /// <param name="sentAt">When the request was sent.</param>
    /// <param name="minutes">The minutes it counts for (what it asked, less what a late landing could cut it to).</param>
    /// <param name="continuous">Whether it extends the current continuous protection; false starts a new one.</param>
    /// <param name="coveredTicks">How long from <paramref name="sentAt"/> the backend knows the task's lease lasts, when it says (a lease the task's processes share); the lease counts no longer.</param>
    /// <param name="sharedSince">When the task's continuous protection began, when its processes share it: the cap is the task's.</param>
    public Lease Confirm(Lease lease, long sentAt, int minutes, bool continuous, long? coveredTicks, long? sharedSince = null)
    {
        long asked = minutes * MinuteTicks;
        long expiry = sentAt + (coveredTicks is { } covered ? Math.Min(asked, covered) : asked);
        return new Lease(true, expiry, sharedSince ?? (continuous ? lease.ProtectedSince : sentAt));
    }
}
