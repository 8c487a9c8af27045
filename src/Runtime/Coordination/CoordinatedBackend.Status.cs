namespace TaskProtection;

/// <summary>What this process shows of the coordination in its status.</summary>
internal sealed partial class CoordinatedBackend
{
    private void Publish(SharedProtection shared, bool? othersHold = null, bool skipped = false, bool sharedRenewal = false)
    {
        _knownPeriod = shared;
        lock (_statusLock)
        {
            CoordinationStatus last = _status;
            _status = new CoordinationStatus
            {
                Directory = last.Directory,
                Participant = last.Participant,
                IsHolder = _holder,
                OthersHold = othersHold ?? last.OthersHold,
                LastCallBy = shared.LastCall?.By,
                LastCallAt = shared.LastCall is { } call ? _clock.ToUtc(call.StartedAt) : null,
                SharedExpiresAt = shared.ExpiresAt is { } expires ? _clock.ToUtc(expires) : null,
                ProtectedSince = shared.ProtectedSince is { } since ? _clock.ToUtc(since) : null,
                CooldownEndsAt = shared.CooldownUntil is { } cooldown && cooldown > _clock.Now ? _clock.ToUtc(cooldown) : null,
                ReleasesSkipped = last.ReleasesSkipped + (skipped ? 1 : 0),
                SharedRenewals = last.SharedRenewals + (sharedRenewal ? 1 : 0),
                ObservedAt = _time.GetUtcNow(),
            };
        }
    }
}
