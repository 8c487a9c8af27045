using Microsoft.Extensions.Logging;

namespace TaskProtection;

/// <summary>
/// The release that no one would send: a process that skipped its release because another held sessions watches until
/// no live holder is left, and then releases on the task's behalf. Without it, a holder killed mid-session (SIGKILL,
/// out of memory) would leave the task protected until the lease ran out, blocking scale-in for minutes.
/// </summary>
internal sealed partial class CoordinatedBackend
{
    private readonly Lock _watchLock = new();
    private ITimer? _orphanWatch;

    /// <summary>Looks again after <paramref name="delay"/> (and again, until there is nothing left to release).</summary>
    private void WatchForOrphanedProtection(TimeSpan delay)
    {
        lock (_watchLock)
        {
            _orphanWatch?.Dispose();
            _orphanWatch = _time.CreateTimer(static s => ((CoordinatedBackend)s!).PostOrphanCheck(), this, delay, Timeout.InfiniteTimeSpan);
        }
    }

    public void StopWatching()
    {
        lock (_watchLock)
        {
            _orphanWatch?.Dispose();
            _orphanWatch = null;
        }
    }

    /// <summary>On the loop's scheduler, like every call this client makes.</summary>
    private void PostOrphanCheck() => _ = _dispatcher.RunOnLoop(CheckOrphanedAsync);

    private async Task CheckOrphanedAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(_requestTimeout, _time);
            TimeSpan? again = await ReleaseIfOrphanedAsync(timeout.Token);
            if (again is { } delay)
            {
                WatchForOrphanedProtection(delay);
            }
        }
        catch (Exception ex) when (ex is TaskProtectionCallException or OperationCanceledException or IOException)
        {
            // Try again later: the lock was busy for too long, or the call failed.
            WatchForOrphanedProtection(_orphanCheckEvery);
        }
    }

    /// <summary>Releases when no live process holds sessions and the task may still be protected; when to look again, or null.</summary>
    private async Task<TimeSpan?> ReleaseIfOrphanedAsync(CancellationToken cancellationToken)
    {
        using ICoordinationSession session = await _store.LockAsync(cancellationToken);
        DateTimeOffset now = _time.GetUtcNow();
        SharedProtection shared = ReadShared(session, now);
        if (Status.IsHolder)
        {
            return null; // This process holds sessions again: its own release will decide.
        }

        int others = session.OtherHolders();
        if (others > 0)
        {
            return _orphanCheckEvery;
        }

        DateTimeOffset? enableMayLand = shared.Pending.Where(static p => p.Enable).Select(static p => (DateTimeOffset?)p.MayLandUntil).Max();
        if (shared.ExpiresAt is null && enableMayLand is null)
        {
            return null; // Released already, and nothing can turn protection back on.
        }

        Log.ReleasingOrphaned(_logger);
        var ours = new PendingCall(false, now, 0, now + _landing);
        shared = shared with { ExpiresAt = null };
        session.Write(shared with { Pending = [.. shared.Pending, ours] });
        try
        {
            await _inner.DisableAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is TaskProtectionCallException or OperationCanceledException)
        {
            bool mayLand = ex is not TaskProtectionCallException refused || refused.MayHaveLanded();
            session.Write(shared with { LastCall = Call(false, now, ex), Pending = mayLand ? [.. shared.Pending, ours] : shared.Pending });
            throw;
        }

        SharedProtection after = shared with { LastCall = Call(false, now, null) };
        session.Write(after);
        Publish(after, holder: false, others: 0);

        // An enable given up on by the dead process may still land after this release: release once more after it.
        return enableMayLand is { } until && until > now ? until - now : null;
    }
}
