namespace TaskProtection;

/// <summary>
/// The confirmed lease and its arithmetic, in the manager's clock units. A lease is measured from a timestamp taken
/// before its request was sent (ECS starts its clock later, so this is conservative) and only moves on a confirmed
/// success. Loop only.
/// </summary>
internal sealed class LeaseState(ManagerClock clock, TaskProtectionOptions options)
{
    private readonly long _bufferTicks = clock.ToTicks(options.ProtectionBuffer);
    private readonly long _maxTicks = clock.ToTicks(options.MaxProtectionDuration);

    /// <summary>The length of one lease: ExpiresInMinutes minutes.</summary>
    public long LeaseTicks { get; } = clock.ToTicks(options.LeaseDuration);

    public bool IsHeld { get; private set; }

    public long Expiry { get; private set; }

    /// <summary>When the current continuous protection began.</summary>
    public long ProtectedSince { get; private set; }

    /// <summary>When the lease left reaches the buffer: the renewal is due, and new sessions are no longer covered.</summary>
    public long RenewalDue => Expiry - _bufferTicks;

    /// <summary>The expiry to publish: 0 without a lease.</summary>
    public long PublishedExpiry => IsHeld ? Expiry : 0;

    public bool HasEnded(long now) => IsHeld && now >= Expiry;

    /// <summary>Whether a renewal sent now would take continuous protection past MaxProtectionDuration.</summary>
    public bool RenewalWouldPassCap(long now) => now - ProtectedSince + LeaseTicks > _maxTicks;

    /// <summary>Records a confirmed enable sent at <paramref name="sentAt"/>; a first one starts a continuous period.</summary>
    public void Confirm(long sentAt, bool renewing)
    {
        if (!renewing)
        {
            ProtectedSince = sentAt;
        }

        IsHeld = true;
        Expiry = sentAt + LeaseTicks;
    }

    public void Drop() => IsHeld = false;
}
