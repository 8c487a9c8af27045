using System.Globalization;
using Microsoft.Extensions.Logging;

namespace TaskProtection;

/// <summary>
/// Puts the coordination rules between one manager and the agent, so that several processes of a task share its
/// protection: every call is made under the call lock; an acquire or renewal that another process's confirmed lease
/// already covers is not sent (the manager adopts that lease); an enable never asks for less than the shared expiry; a
/// release is not sent while another process holds sessions; nothing is enabled while a release given up on may land.
/// Its time spent waiting for the lock counts inside the manager's RequestTimeout, so the gap budget still holds.
/// </summary>
/// <remarks>Called on the loop's scheduler, and its own checks are posted there: its awaits omit ConfigureAwait.</remarks>
internal sealed partial class CoordinatedBackend : IProtectionBackend
{
    private readonly IProtectionBackend _inner;
    private readonly ICoordinationStore _store;
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TaskProtectionMetrics _metrics;
    private readonly LoopDispatcher _dispatcher;
    private readonly TimeSpan _adoptMargin;
    private readonly TimeSpan _landing;
    private readonly TimeSpan _requestTimeout;
    private readonly TimeSpan _orphanCheckEvery;
    private readonly Action _wake;
    private readonly Lock _statusLock = new();
    private readonly Lock _noticeLock = new();
    private CoordinationStatus _status;
    private ForceDisableMark? _seenForceDisable;

    // Another process's force-disable, noticed and not yet taken by the loop; and the newest one the loop has taken.
    // No enable goes out while a newer one is untaken, or a renewal waiting for the lock would undo it at once.
    private ForceDisableMark? _untakenForceDisable;
    private long _takenForceDisableEpoch;

    // The expiry this process last confirmed or adopted: a lease is adopted only when another process moved it since,
    // or a renewal that must reach further (the last one before the cap) would adopt the same lease again and again.
    private DateTimeOffset _lastKnownExpiry = DateTimeOffset.MinValue;

    public CoordinatedBackend(IProtectionBackend inner, ICoordinationStore store, string directory, TaskProtectionOptions options, TimeProvider time, ILogger logger, TaskProtectionMetrics metrics, LoopDispatcher dispatcher, Action wake)
    {
        _wake = wake;
        _metrics = metrics;
        _dispatcher = dispatcher;
        _inner = inner;
        _store = store;
        _directory = directory;
        _time = time;
        _logger = logger;

        // An adopted lease must leave the buffer and some time before it is due again, or the loop would spin.
        _adoptMargin = options.ProtectionBuffer + options.SchedulingTolerance + TimeSpan.FromSeconds(1);
        _landing = GapBudget.MayLandWithin(options);
        _requestTimeout = options.RequestTimeout;

        // A killed last holder's protection is released about a ReleaseDelay after it died, as if it had released.
        _orphanCheckEvery = options.ReleaseDelay > TimeSpan.FromSeconds(1) ? options.ReleaseDelay : TimeSpan.FromSeconds(1);
        _status = new CoordinationStatus { Directory = directory, Participant = store.Participant };
        _seenForceDisable = store.Peek().ForceDisable;
        _takenForceDisableEpoch = _seenForceDisable?.Epoch ?? 0;
        store.Changed += CheckForceDisable;
    }

    public string Description => $"{_inner.Description}, shared through {_directory}";

    public CoordinationStatus Status
    {
        get
        {
            lock (_statusLock)
            {
                return _status;
            }
        }
    }

    public async Task<EnableConfirmation> EnableAsync(int expiresInMinutes, CancellationToken cancellationToken)
    {
        DateTimeOffset waitStarted = _time.GetUtcNow();
        using ICoordinationSession session = await _store.LockAsync(cancellationToken);
        DateTimeOffset now = _time.GetUtcNow();
        SharedProtection shared = ReadShared(session, now);
        if (shared.ForceDisable is { } mark && mark.By != _store.Participant && mark.Epoch > Volatile.Read(ref _takenForceDisableEpoch))
        {
            throw Retryable($"another process of the task ({mark.By}) just force-disabled protection");
        }

        if (shared.DisableMayLandUntil(now) is { } until)
        {
            throw Retryable(string.Create(CultureInfo.InvariantCulture, $"a release given up on (by this or another process of the task) may still take effect until {until:O}; enabling before then could be undone"));
        }

        session.BecomeHolder();
        StopWatching();
        if (shared.ExpiresAt is { } expires && expires - now >= _adoptMargin && expires > _lastKnownExpiry)
        {
            _lastKnownExpiry = expires;
            Publish(shared, holder: true, sharedRenewal: true);
            _metrics.SharedRenewal();
            return new EnableConfirmation(expires);
        }

        if (shared.LastCall is { Enable: true, Succeeded: false } last && last.By != _store.Participant && last.StartedAt >= waitStarted)
        {
            // Another process tried while this one waited for the lock, and failed: that was this attempt too.
            Publish(shared, holder: true);
            throw new TaskProtectionCallException(CallFailureKind.Transport, last.Retryable, $"Another process of the task ({last.By}) just tried to enable protection and failed: {last.Error}");
        }

        int minutes = Math.Clamp(Math.Max(expiresInMinutes, MinutesToReach(shared.ExpiresAt, now)), GapBudget.MinExpiresInMinutes, GapBudget.MaxExpiresInMinutes);
        var ours = new PendingCall(true, now, minutes, now + _landing);
        session.Write(shared with { Pending = [.. shared.Pending, ours] });
        try
        {
            await _inner.EnableAsync(minutes, cancellationToken);
            int counted = shared.Pending.Where(static p => p.Enable).Select(static p => p.Minutes).DefaultIfEmpty(minutes).Min();
            DateTimeOffset confirmed = now + TimeSpan.FromMinutes(Math.Min(minutes, counted));
            _lastKnownExpiry = confirmed;
            SharedProtection after = shared with { ExpiresAt = confirmed, LastCall = Call(true, now, null) };
            session.Write(after);
            Publish(after, holder: true);
            return new EnableConfirmation(confirmed);
        }
        catch (Exception ex) when (ex is TaskProtectionCallException or OperationCanceledException)
        {
            bool mayLand = ex is not TaskProtectionCallException refused || refused.MayHaveLanded();
            SharedProtection after = shared with { LastCall = Call(true, now, ex), Pending = mayLand ? [.. shared.Pending, ours] : shared.Pending };
            session.Write(after);
            Publish(after, holder: true);
            throw;
        }
    }

    public Task DisableAsync(CancellationToken cancellationToken) => DisableAsync(force: false, null, cancellationToken);

    /// <summary>A force-disable: sent even while other processes hold sessions, and announced to them.</summary>
    public Task ForceDisableAsync(string reason, CancellationToken cancellationToken) => DisableAsync(force: true, reason, cancellationToken);

    public RemoteForceDisable? TakeRemoteForceDisable()
    {
        lock (_noticeLock)
        {
            if (_untakenForceDisable is not { } mark)
            {
                return null;
            }

            _untakenForceDisable = null;
            Volatile.Write(ref _takenForceDisableEpoch, Math.Max(_takenForceDisableEpoch, mark.Epoch));
            return new RemoteForceDisable(mark.By, mark.Reason);
        }
    }

    /// <summary>Looks at the shared state without the lock: notices a force-disable made elsewhere.</summary>
    public void CheckForceDisable()
    {
        ForceDisableMark? mark = _store.Peek().ForceDisable;
        Notice(mark);
    }

    private async Task DisableAsync(bool force, string? reason, CancellationToken cancellationToken)
    {
        using ICoordinationSession session = await _store.LockAsync(cancellationToken);
        DateTimeOffset now = _time.GetUtcNow();
        SharedProtection shared = ReadShared(session, now);
        if (!force)
        {
            session.StopHolding();
        }

        int others = session.OtherHolders();
        if (others > 0 && !force)
        {
            Publish(shared, holder: false, others: others, skipped: true);
            _metrics.ReleaseSkipped();
            Log.ReleaseSkipped(_logger, others);
            WatchForOrphanedProtection(_orphanCheckEvery);
            return;
        }

        _lastKnownExpiry = DateTimeOffset.MinValue;
        ForceDisableMark? mark = force
            ? new ForceDisableMark((shared.ForceDisable?.Epoch ?? 0) + 1, reason!, _store.Participant, now)
            : shared.ForceDisable;
        _seenForceDisable = mark;
        var ours = new PendingCall(false, now, 0, now + _landing);
        shared = shared with { ExpiresAt = null, ForceDisable = mark };
        session.Write(shared with { Pending = [.. shared.Pending, ours] });
        try
        {
            await _inner.DisableAsync(cancellationToken);
            SharedProtection after = shared with { LastCall = Call(false, now, null) };
            session.Write(after);
            Publish(after, holder: force && _status.IsHolder, others: others);
        }
        catch (Exception ex) when (ex is TaskProtectionCallException or OperationCanceledException)
        {
            bool mayLand = ex is not TaskProtectionCallException refused || refused.MayHaveLanded();
            SharedProtection after = shared with { LastCall = Call(false, now, ex), Pending = mayLand ? [.. shared.Pending, ours] : shared.Pending };
            session.Write(after);
            Publish(after, holder: false, others: others);
            throw;
        }
    }

    private SharedProtection ReadShared(ICoordinationSession session, DateTimeOffset now)
    {
        SharedProtection shared = session.Read();
        if (session.Recovered)
        {
            // Write the worst case back at once, so every process goes by it, not only this call.
            session.Write(shared);
            Log.CoordinationStateRecovered(_logger, _directory);
        }

        Notice(shared.ForceDisable);
        return shared with { Pending = shared.StillPending(now) };
    }

    private void Notice(ForceDisableMark? mark)
    {
        if (mark is null || mark == _seenForceDisable)
        {
            return;
        }

        _seenForceDisable = mark;
        if (mark.By != _store.Participant)
        {
            lock (_noticeLock)
            {
                _untakenForceDisable = mark;
            }

            _wake();
        }
    }

    private LastCall Call(bool enable, DateTimeOffset startedAt, Exception? failure) => new(
        _store.Participant,
        enable,
        startedAt,
        failure is null,
        failure?.Message,
        failure is not TaskProtectionCallException { IsRetryable: false });

    private void Publish(SharedProtection shared, bool holder, int? others = null, bool skipped = false, bool sharedRenewal = false)
    {
        lock (_statusLock)
        {
            CoordinationStatus last = _status;
            _status = new CoordinationStatus
            {
                Directory = last.Directory,
                Participant = last.Participant,
                IsHolder = holder,
                OtherHolders = others ?? last.OtherHolders,
                LastCallBy = shared.LastCall?.By,
                LastCallAt = shared.LastCall?.StartedAt,
                SharedExpiresAt = shared.ExpiresAt,
                ReleasesSkipped = last.ReleasesSkipped + (skipped ? 1 : 0),
                SharedRenewals = last.SharedRenewals + (sharedRenewal ? 1 : 0),
                ObservedAt = _time.GetUtcNow(),
            };
        }
    }

    private static int MinutesToReach(DateTimeOffset? expires, DateTimeOffset now) =>
        expires is { } e && e > now ? (int)Math.Min(GapBudget.MaxExpiresInMinutes, Math.Ceiling((e - now).TotalMinutes)) : 0;

    private static TaskProtectionCallException Retryable(string message) => new(CallFailureKind.Transport, isRetryable: true, message);
}
