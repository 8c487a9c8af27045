namespace TaskProtection;

/// <summary>
/// A force-disable shared with the task's other processes, in three steps: the mark is written (with a disable that may
/// land, so that no process enables meanwhile); then, outside the call lock, this process waits until no other holds
/// sessions, since each drops its hold only after its loop took the news and told its sessions; then the disable goes out.
/// </summary>
internal sealed partial class CoordinatedBackend
{
    /// <summary>How often the holders are looked at while a force-disable waits for the others.</summary>
    private static readonly TimeSpan AnnouncePoll = TimeSpan.FromSeconds(1);

    // Coordination thread only: the mark this process wrote and the placeholder that keeps enables back until it is sent.
    private ForceDisableMark? _announcedMark;
    private PendingCall? _announcedHold;

    /// <summary>How often each process reads the state for force-disables made elsewhere: CheckInterval, at most 5 s.</summary>
    public static TimeSpan NoticeEvery(TaskProtectionOptions options) =>
        options.CheckInterval < TimeSpan.FromSeconds(5) ? options.CheckInterval : TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a force-disable waits for the others: one look of theirs (which may wait RequestTimeout for the lock), a
    /// call their loop may have in flight, their lateness, and this process's own looks.
    /// </summary>
    public static TimeSpan AnnounceWithin(TaskProtectionOptions options) =>
        NoticeEvery(options) + (2 * options.RequestTimeout) + options.SchedulingTolerance + (2 * AnnouncePoll);

    public Task AnnounceForceDisableAsync(string reason, CancellationToken cancellationToken) =>
        OnCoordinationThread(() => AnnounceLockedAsync(reason, cancellationToken));

    private async Task<bool> AnnounceLockedAsync(string reason, CancellationToken cancellationToken)
    {
        using (ICoordinationSession session = await _store.LockAsync(cancellationToken))
        {
            long now = _clock.Now;
            SharedProtection shared = ReadShared(session, now);
            StopHolding(session);
            var mark = new ForceDisableMark((shared.ForceDisable?.Epoch ?? 0) + 1, reason, _store.Participant, now);
            var hold = new PendingCall(false, now, 0, now + _announceHoldTicks);
            MarkSeen(mark);
            _announcedMark = mark;
            _announcedHold = hold;
            SharedProtection announced = shared with { ForceDisable = mark, Pending = [.. shared.Pending, hold] };
            session.Write(announced);
            (bool others, _) = session.OtherHolders();
            Publish(announced, others);
            if (!others)
            {
                return true;
            }
        }

        // Outside the lock: the others read the mark under it, tell their sessions, then stop holding. Bounded here too,
        // so that a holder that never lets go does not keep this thread looking after the caller gave up.
        using var bounded = new CancellationTokenSource(_announceWithin, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bounded.Token);
        while (true)
        {
            await Task.Delay(AnnouncePoll, _time, linked.Token);
            using ICoordinationSession session = await _store.LockAsync(linked.Token);
            if (!session.OtherHolders().Any)
            {
                return true;
            }
        }
    }

    /// <summary>The mark a force-disable carries: the one announced, or a new one if it was not (no other process to tell).</summary>
    private ForceDisableMark TakeAnnouncedMark(SharedProtection shared, string reason, long now)
    {
        ForceDisableMark mark = _announcedMark is { } announced && shared.ForceDisable?.Epoch == announced.Epoch
            ? announced
            : new ForceDisableMark((shared.ForceDisable?.Epoch ?? 0) + 1, reason, _store.Participant, now);
        _announcedMark = null;
        return mark;
    }

    /// <summary>The pending calls without the announcement's placeholder, which the real disable replaces.</summary>
    private IReadOnlyList<PendingCall> WithoutAnnouncedHold(IReadOnlyList<PendingCall> pending)
    {
        PendingCall? hold = _announcedHold;
        _announcedHold = null;
        return hold is null ? pending : [.. pending.Where(p => p != hold)];
    }
}
