namespace TaskProtection;

/// <summary>
/// The confirmed lease and its arithmetic, in the manager's clock units. A lease is measured from a timestamp taken
/// before its request was sent (ECS starts its clock later, so this is conservative) and only moves on a confirmed
/// success. Continuous protection ends at <see cref="CapEnd"/>: the last renewal asks for the whole minutes that reach it.
/// Loop only.
/// </summary>
internal sealed class LeaseState(ManagerClock clock, TaskProtectionOptions options)
{
    private readonly long _bufferTicks = clock.ToTicks(options.ProtectionBuffer);
    private readonly long _maxTicks = clock.ToTicks(options.MaxProtectionDuration);
    private readonly long _drainTicks = clock.ToTicks(options.CapDrain);
    private readonly long _minuteTicks = clock.ToTicks(TimeSpan.FromMinutes(1));

    // Timers may fire this late (SchedulingTolerance plus timer resolution): the lapse watch is armed that much early.
    private readonly long _lateTicks = clock.ToTicks(options.SchedulingTolerance + GapBudget.TimerResolution);

    /// <summary>Whole minutes each ordinary request asks for.</summary>
    public int Minutes { get; } = options.ExpiresInMinutes;

    /// <summary>The length of one ordinary lease: <see cref="Minutes"/> minutes.</summary>
    public long LeaseTicks { get; } = clock.ToTicks(options.LeaseDuration);

    public bool IsHeld { get; private set; }

    public long Expiry { get; private set; }

    /// <summary>When the current continuous protection began (the send time of its first enable).</summary>
    public long ProtectedSince { get; private set; }

    /// <summary>When continuous protection must end: ProtectedSince + MaxProtectionDuration.</summary>
    public long CapEnd => ProtectedSince + _maxTicks;

    /// <summary>When new sessions stop being admitted: MaxProtectionDrain before the cap; long.MaxValue without a drain.</summary>
    public long DrainFrom => _drainTicks > 0 ? CapEnd - _drainTicks : long.MaxValue;

    /// <summary>Until when a session entering now is covered: the renewal's due time, but never into the drain.</summary>
    public long CoverageUntil => Math.Min(RenewalDue, DrainFrom);

    /// <summary>When the lease left reaches the buffer: a renewal is due, and new sessions are no longer covered.</summary>
    public long RenewalDue => Expiry - _bufferTicks;

    /// <summary>
    /// The latest moment the manager can still tell running sessions before the lease ends, given that its own timer
    /// may fire late by SchedulingTolerance: a renewal not confirmed by then is a lapse.
    /// </summary>
    public long LapseAt => Expiry - _lateTicks;

    /// <summary>The expiry to publish: 0 without a lease.</summary>
    public long PublishedExpiry => IsHeld ? Expiry : 0;

    /// <summary>
    /// The next renewal: when to send it and how many minutes to ask for; null when no renewal can extend protection
    /// without passing <see cref="CapEnd"/>. Ordinary renewals are due at <see cref="RenewalDue"/>. The last one asks for
    /// the whole minutes m that end exactly at the cap, sent m minutes before it (no later than it would be due).
    /// </summary>
    public RenewalPlan? NextRenewal()
    {
        long capEnd = CapEnd;
        long due = RenewalDue;
        if (capEnd - due >= LeaseTicks)
        {
            return new RenewalPlan(due, Minutes);
        }

        if (capEnd <= Expiry)
        {
            return null;
        }

        long minutes = (capEnd - due + _minuteTicks - 1) / _minuteTicks;
        return new RenewalPlan(capEnd - (minutes * _minuteTicks), (int)minutes);
    }

    /// <summary>The minutes to ask for when the last renewal is actually sent (late, perhaps): those that reach the cap.</summary>
    public int MinutesToCap(long sentAt) => (int)Math.Clamp((CapEnd - sentAt + _minuteTicks - 1) / _minuteTicks, 1, Minutes);

    /// <summary>Records a confirmed enable for <paramref name="minutes"/> sent at <paramref name="sentAt"/>.</summary>
    /// <param name="sentAt">When the request was sent.</param>
    /// <param name="minutes">What it asked for.</param>
    /// <param name="continuous">Whether it extends the current continuous protection; false starts a new one.</param>
    /// <param name="coveredTicks">
    /// With coordination, how long from <paramref name="sentAt"/> the lease the processes share is known to last (it may be
    /// another process's, adopted instead of sending a call): the lease counts no longer than that.
    /// </param>
    public void Confirm(long sentAt, int minutes, bool continuous, long? coveredTicks = null)
    {
        if (!continuous)
        {
            ProtectedSince = sentAt;
        }

        IsHeld = true;
        long asked = minutes * _minuteTicks;
        Expiry = sentAt + (coveredTicks is { } covered ? Math.Min(asked, covered) : asked);
    }

    public void Drop() => IsHeld = false;
}

/// <summary>A renewal to send at <paramref name="At"/> for <paramref name="Minutes"/> minutes.</summary>
internal readonly record struct RenewalPlan(long At, int Minutes);
