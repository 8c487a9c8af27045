using System.Globalization;
using Microsoft.Extensions.Logging;

namespace TaskProtection;

/// <summary>
/// Puts the coordination rules between one process's loop and ECS, so that the processes of a task share its protection:
/// every call is made under the call lock; an acquire or renewal that another process's lease already covers is not sent
/// (its lease is adopted); an enable never asks for less than the shared expiry, nor past the task's shared cap; a release
/// is not sent while another process holds sessions; nothing is enabled while a release given up on may land, nor in the
/// task's cool-down, nor (by a process not holding already) in its drain. Every file operation runs on the coordination
/// thread, never on the loop: a hung file system is a call that times out, and the loop tells the application on time.
/// </summary>
/// <remarks>Its operations run on that thread's scheduler (the simulation's own, in tests): its awaits omit ConfigureAwait.</remarks>
internal sealed partial class CoordinatedBackend : IProtectionBackend, IDisposable
{
    private readonly IProtectionBackend _inner;
    private readonly ICoordinationStore _store;
    private readonly SharedClock _clock;
    private readonly SharedPeriod _period;
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TaskProtectionMetrics _metrics;
    private readonly TaskScheduler _io;
    private readonly long _adoptMargin;
    private readonly long _landing;
    private readonly long _minute;
    private readonly TimeSpan _requestTimeout;
    private readonly TimeSpan _orphanCheckEvery;
    private readonly TimeSpan _noticeEvery;
    private readonly TimeSpan _announceWithin;
    private readonly long _announceHoldTicks;
    private readonly Lock _statusLock = new();
    private CoordinationStatus _status;

    // Coordination thread only.
    private bool _holder;
    private long _lastKnownExpiry = long.MinValue;

    public CoordinatedBackend(
        IProtectionBackend inner,
        ICoordinationStore store,
        string directory,
        TaskProtectionOptions options,
        TimeProvider time,
        ILogger logger,
        TaskProtectionMetrics metrics,
        TaskScheduler io,
        Action wake)
    {
        _inner = inner;
        _store = store;
        _clock = store.Clock;
        _period = SharedPeriod.From(options, store.Clock);
        _directory = directory;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _io = io;
        _wake = wake;
        _startedAt = store.Clock.Now;

        // An adopted lease must leave the buffer and some time before it is due again, or the loop would spin.
        _adoptMargin = _clock.Ticks(options.ProtectionBuffer + options.SchedulingTolerance + TimeSpan.FromSeconds(1));
        _landing = _clock.Ticks(GapBudget.MayLandWithin(options));
        _minute = _clock.Ticks(TimeSpan.FromMinutes(1));
        _requestTimeout = options.RequestTimeout;
        _noticeEvery = NoticeEvery(options);
        _announceWithin = AnnounceWithin(options);

        // An announced force-disable keeps enables back while it waits for the others, and until its call may land.
        _announceHoldTicks = _clock.Ticks(_announceWithin + (2 * options.RequestTimeout) + GapBudget.MayLandWithin(options));

        // A killed last holder's protection is released about a ReleaseDelay after it died, as if it had released.
        _orphanCheckEvery = options.ReleaseDelay > TimeSpan.FromSeconds(1) ? options.ReleaseDelay : TimeSpan.FromSeconds(1);
        _status = new CoordinationStatus { Directory = directory, Participant = store.Participant };
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

    public Task<EnableConfirmation> EnableAsync(int minutes, CancellationToken cancellationToken) =>
        OnCoordinationThread(() => EnableLockedAsync(minutes, cancellationToken));

    public Task DisableAsync(CancellationToken cancellationToken) =>
        OnCoordinationThread(() => DisableLockedAsync(force: false, null, cancellationToken));

    /// <summary>A force-disable: sent even while other processes hold sessions, and announced to them.</summary>
    public Task ForceDisableAsync(string reason, CancellationToken cancellationToken) =>
        OnCoordinationThread(() => DisableLockedAsync(force: true, reason, cancellationToken));

    /// <summary>This process needs no protection now: it stops counting as a holder, so that the others may release.</summary>
    public void NoLongerNeeded() => _ = OnCoordinationThread(() =>
    {
        StopHolding();
        return Task.FromResult(true);
    });

    public void Dispose()
    {
        StopWatching();
        _poll?.Dispose();
    }

    private async Task<EnableConfirmation> EnableLockedAsync(int asked, CancellationToken cancellationToken)
    {
        long waitStarted = _clock.Now;
        using ICoordinationSession session = await _store.LockAsync(cancellationToken);
        long now = _clock.Now;
        SharedProtection shared = ReadShared(session, now);
        RefuseWhileUnsafe(shared, now);
        if (_period.EnableRefusedUntil(shared, now, _holder) is { } refusedUntil)
        {
            // The task's cool-down (or a drain this process may not join): no protection until then, for any process.
            StopHolding(session);
            Publish(shared);
            return new EnableConfirmation(CoolingDownUntil: _clock.ToLocal(refusedUntil));
        }

        session.BecomeHolder();
        _holder = true;
        StopWatching();
        long since = SharedPeriod.SinceFor(shared, now);
        if (shared.ExpiresAt is { } expires && expires - now >= _adoptMargin && expires > _lastKnownExpiry)
        {
            _lastKnownExpiry = expires;
            Publish(shared, sharedRenewal: true);
            _metrics.SharedRenewal();
            return new EnableConfirmation(_clock.ToLocal(expires), _clock.ToLocal(since));
        }

        if (shared.LastCall is { Enable: true, Succeeded: false } last && last.By != _store.Participant && last.StartedAt >= waitStarted)
        {
            // Another process tried while this one waited for the lock, and failed: that was this attempt too.
            Publish(shared);
            throw new TaskProtectionCallException(CallFailureKind.Transport, last.Retryable, $"Another process of the task ({last.By}) just tried to enable protection and failed: {last.Error}");
        }

        int reach = shared.ExpiresAt is { } e && e > now ? (int)Math.Min(GapBudget.MaxExpiresInMinutes, (e - now + _minute - 1) / _minute) : 0;
        int minutes = Math.Clamp(Math.Min(Math.Max(asked, reach), _period.MinutesToCap(since, now, _minute)), GapBudget.MinExpiresInMinutes, GapBudget.MaxExpiresInMinutes);
        return await SendEnableAsync(session, shared, now, since, minutes, cancellationToken);
    }

    private async Task<EnableConfirmation> SendEnableAsync(ICoordinationSession session, SharedProtection shared, long now, long since, int minutes, CancellationToken cancellationToken)
    {
        var ours = new PendingCall(true, now, minutes, now + _landing);
        session.Write(shared with { Pending = [.. shared.Pending, ours] });
        try
        {
            await _inner.EnableAsync(minutes, cancellationToken);
        }
        catch (Exception ex) when (ex is TaskProtectionCallException or OperationCanceledException)
        {
            bool mayLand = ex is not TaskProtectionCallException refused || refused.MayHaveLanded();
            SharedProtection failed = mayLand
                ? shared.MayBeProtectedBy(now, _landing, minutes * _minute) with { LastCall = Call(true, now, ex), Pending = [.. shared.Pending, ours] }
                : shared with { LastCall = Call(true, now, ex) };
            session.Write(failed);
            Publish(failed);
            throw;
        }

        // An earlier enable that may still land after this one resets the expiry to its own minutes from then.
        int counted = shared.Pending.Where(static p => p.Enable).Select(static p => p.Minutes).DefaultIfEmpty(minutes).Min();
        long confirmed = now + (Math.Min(minutes, counted) * _minute);
        _lastKnownExpiry = confirmed;
        SharedProtection after = shared.MayBeProtectedBy(now, _landing, minutes * _minute) with { ExpiresAt = confirmed, ProtectedSince = since, LastCall = Call(true, now, null) };
        session.Write(after);
        Publish(after);
        return new EnableConfirmation(_clock.ToLocal(confirmed), _clock.ToLocal(since));
    }

    private async Task<bool> DisableLockedAsync(bool force, string? reason, CancellationToken cancellationToken)
    {
        using ICoordinationSession session = await _store.LockAsync(cancellationToken);
        long now = _clock.Now;
        SharedProtection shared = ReadShared(session, now);
        StopHolding(session);
        (bool others, string? unknown) = session.OtherHolders();
        if (others && !force)
        {
            Publish(shared, othersHold: true, skipped: true);
            _metrics.ReleaseSkipped();
            if (unknown is not null)
            {
                Log.ReleaseSkippedUnknownHolders(_logger, unknown);
            }
            else
            {
                Log.ReleaseSkipped(_logger);
            }

            WatchForOrphanedProtection(_orphanCheckEvery);
            return false;
        }

        _lastKnownExpiry = long.MinValue;
        ForceDisableMark? mark = force ? TakeAnnouncedMark(shared, reason!, now) : shared.ForceDisable;
        MarkSeen(mark);
        SharedProtection marked = shared with { ForceDisable = mark, Pending = force ? WithoutAnnouncedHold(shared.Pending) : shared.Pending };
        await SendDisableAsync(session, marked, now, others, cancellationToken);
        return true;
    }

    /// <summary>
    /// Sends a disable: the task's period ends only when it is confirmed. One that failed leaves the period going, since
    /// protection may still be in force, and forgets the expiry only if it may have landed.
    /// </summary>
    private async Task SendDisableAsync(ICoordinationSession session, SharedProtection before, long now, bool othersHold, CancellationToken cancellationToken)
    {
        var ours = new PendingCall(false, now, 0, now + _landing);
        session.Write(before with { Pending = [.. before.Pending, ours] });
        try
        {
            await _inner.DisableAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is TaskProtectionCallException or OperationCanceledException)
        {
            bool mayLand = ex is not TaskProtectionCallException refused || refused.MayHaveLanded();
            SharedProtection failed = mayLand
                ? before with { LastCall = Call(false, now, ex), Pending = [.. before.Pending, ours], ExpiresAt = null }
                : before with { LastCall = Call(false, now, ex) };
            session.Write(failed);
            Publish(failed, othersHold);
            throw;
        }

        SharedProtection after = _period.Released(before, now) with { LastCall = Call(false, now, null) };
        session.Write(after);
        Publish(after, othersHold);
    }

    /// <summary>No enable while another process's force-disable is untaken here, or while a release given up on may land.</summary>
    private void RefuseWhileUnsafe(SharedProtection shared, long now)
    {
        if (ForceDisableUntaken)
        {
            throw Retryable($"another process of the task ({shared.ForceDisable?.By}) just force-disabled protection");
        }

        if (shared.DisableMayLandUntil(now) is { } until)
        {
            throw Retryable(string.Create(CultureInfo.InvariantCulture, $"a release given up on (by this or another process of the task) may still take effect until {_clock.ToUtc(until):O}; enabling before then could be undone"));
        }
    }

    private SharedProtection ReadShared(ICoordinationSession session, long now)
    {
        SharedProtection shared = session.Read();
        if (session.Recovered is { } why)
        {
            // Write the worst case back at once, so that every process goes by it, not only this call.
            session.Write(shared);
            Log.CoordinationStateRecovered(_logger, _directory, why);
        }

        Notice(shared.ForceDisable);
        return shared with { Pending = shared.StillPending(now) };
    }

    private void StopHolding(ICoordinationSession session)
    {
        session.StopHolding();
        _holder = false;
    }

    /// <summary>Outside a session (NoLongerNeeded): dropping the holders lock needs no call lock.</summary>
    private void StopHolding()
    {
        _store.StopHolding();
        _holder = false;
    }

    private Task<T> OnCoordinationThread<T>(Func<Task<T>> operation) =>
        Task.Factory.StartNew(operation, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _io).Unwrap();

    private LastCall Call(bool enable, long startedAt, Exception? failure) => new(
        _store.Participant,
        enable,
        startedAt,
        failure is null,
        failure?.Message,
        failure is not TaskProtectionCallException { IsRetryable: false });

    private static TaskProtectionCallException Retryable(string message) => new(CallFailureKind.Transport, isRetryable: true, message);
}
