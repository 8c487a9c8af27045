namespace TaskProtection;

/// <summary>
/// The task's continuous protection as its processes share it: one start, so one cap, one drain before it and one
/// cool-down after it for the whole task, not one per process. Pure functions of the shared state and the settings, in
/// shared-clock ticks.
/// </summary>
/// <param name="MaxTicks">MaxProtectionDuration.</param>
/// <param name="DrainTicks">The drain before the cap in effect (CapDrain); 0 without one.</param>
/// <param name="CooldownTicks">MaxProtectionCooldown.</param>
internal sealed record SharedPeriod(long MaxTicks, long DrainTicks, long CooldownTicks)
{
    public static SharedPeriod From(TaskProtectionOptions options, SharedClock clock) =>
        new(clock.Ticks(options.MaxProtectionDuration), clock.Ticks(options.CapDrain), clock.Ticks(options.MaxProtectionCooldown));

    /// <summary>
    /// When the task's current continuous protection began, if it goes on: a lease that is or may still be in force (after
    /// a release that failed, say), or an enable that may still land, continues it; otherwise the next enable starts a new
    /// one at <paramref name="now"/>.
    /// </summary>
    public static long SinceFor(SharedProtection shared, long now) =>
        shared.ProtectedSince is { } since && Continues(shared, now) ? since : now;

    /// <summary>
    /// Until when an enable by a process must not go out, because of the task's cap: its cool-down (after a release at or
    /// after the drain, or after the cap ran out), and, for a process not holding protection already, the drain before
    /// the cap (a holder still renews for its running sessions). Null when it may go out.
    /// </summary>
    public long? EnableRefusedUntil(SharedProtection shared, long now, bool holder)
    {
        if (shared.CooldownUntil is { } cooldown && cooldown > now)
        {
            return cooldown;
        }

        if (shared.ProtectedSince is not { } since)
        {
            return null;
        }

        long capEnd = since + MaxTicks;
        if (now >= capEnd && now < capEnd + CooldownTicks)
        {
            // The period ran out at its cap: no release was needed, and the cool-down runs from there.
            return capEnd + CooldownTicks;
        }

        bool draining = DrainTicks > 0 && now >= capEnd - DrainTicks && now < capEnd;
        return draining && !holder && Continues(shared, now) ? capEnd + CooldownTicks : null;
    }

    /// <summary>The whole minutes that reach the cap of the period that began at <paramref name="since"/>; at least 1.</summary>
    public int MinutesToCap(long since, long now, long minuteTicks) =>
        (int)Math.Max(1, (since + MaxTicks - now + minuteTicks - 1) / minuteTicks);

    /// <summary>
    /// The state after the task's protection was released at <paramref name="now"/>: the period is over, and when it had
    /// reached its drain, the cool-down starts now, for every process.
    /// </summary>
    public SharedProtection Released(SharedProtection shared, long now)
    {
        bool drained = shared.ProtectedSince is { } since && DrainTicks > 0 && now >= since + MaxTicks - DrainTicks;
        return shared with
        {
            ExpiresAt = null,
            ProtectedSince = null,
            ProtectedAtMostUntil = null,
            CooldownUntil = drained ? now + CooldownTicks : shared.CooldownUntil,
        };
    }

    private static bool Continues(SharedProtection shared, long now) =>
        shared.ExpiresAt > now || shared.ProtectedAtMostUntil > now || shared.EnableMayLandUntil(now) is not null;
}
