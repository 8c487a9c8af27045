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

    private void StopWatching()
    {
        lock (_watchLock)
        {
            _orphanWatch?.Dispose();
            _orphanWatch = null;
        }
    }

    /// <summary>On the coordination thread, like every call this backend makes.</summary>
    private void PostOrphanCheck() => _ = OnCoordinationThread(CheckOrphanedAsync);

    private async Task<bool> CheckOrphanedAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(_requestTimeout, _time);
            if (await ReleaseIfOrphanedAsync(timeout.Token) is { } again)
            {
                WatchForOrphanedProtection(again);
            }
        }
        catch (Exception ex) when (ex is TaskProtectionCallException or OperationCanceledException or IOException or UnauthorizedAccessException)
        {
            // Try again later: the lock was busy for too long, the file system failed, or the call failed.
            WatchForOrphanedProtection(_orphanCheckEvery);
        }

        return true;
    }

    /// <summary>Releases when no live process holds sessions and the task may still be protected; when to look again, or null.</summary>
    private async Task<TimeSpan?> ReleaseIfOrphanedAsync(CancellationToken cancellationToken)
    {
        using ICoordinationSession session = await _store.LockAsync(cancellationToken);
        long now = _clock.Now;
        SharedProtection shared = ReadShared(session, now);
        if (_holder)
        {
            return null; // This process holds sessions again: its own release will decide.
        }

        (bool others, _) = session.OtherHolders();
        if (others)
        {
            return _orphanCheckEvery;
        }

        long? enableMayLand = shared.EnableMayLandUntil(now);
        if (!(shared.ProtectedAtMostUntil > now || shared.ExpiresAt > now) && enableMayLand is null)
        {
            return null; // Released already (or run out), and nothing can turn protection back on.
        }

        Log.ReleasingOrphaned(_logger);
        await SendDisableAsync(session, shared, now, othersHold: false, cancellationToken);

        // An enable given up on by the dead process may still land after this release: release once more after it.
        return enableMayLand is { } until && until > now ? _clock.Span(until - now) : null;
    }
}
