namespace TaskProtection;

/// <summary>
/// What the protection loop asks of ECS, whichever way it goes: the agent endpoint, the ECS API, or either shared with
/// the task's other processes. Every failure is a <see cref="TaskProtectionCallException"/>, and
/// <see cref="CallFailures.MayHaveLanded"/> says whether it may still take effect.
/// </summary>
internal interface IProtectionBackend
{
    /// <summary>What the calls go to, for the start-up log.</summary>
    string Description { get; }

    /// <summary>Enables protection for <paramref name="minutes"/> minutes from when ECS receives the call.</summary>
    /// <returns>What the answer confirms.</returns>
    Task<EnableConfirmation> EnableAsync(int minutes, CancellationToken cancellationToken);

    /// <summary>Disables protection as a release: the task's other processes may still need it, and then it is not sent.</summary>
    Task DisableAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Before a force-disable: tells the task's other processes, and waits until none of them holds sessions any more (each
    /// tells its own first), however long the caller lets it; then <see cref="ForceDisableAsync"/> sends it.
    /// </summary>
    Task AnnounceForceDisableAsync(string reason, CancellationToken cancellationToken);

    /// <summary>Disables protection for the whole task now, whoever else needs it (announced first, see <see cref="AnnounceForceDisableAsync"/>).</summary>
    Task ForceDisableAsync(string reason, CancellationToken cancellationToken);

    /// <summary>
    /// This process needs no protection now (its lease ran out unrenewed, it was force-disabled or capped, it stops): with
    /// the task's other processes, it stops counting as one that holds sessions, so that they may release. No call.
    /// </summary>
    void NoLongerNeeded();

    /// <summary>
    /// A force-disable made by another process of the task that this one has not heard of yet, taken (the next call
    /// returns null until there is another); null when none. Called on the loop.
    /// </summary>
    RemoteForceDisable? TakeRemoteForceDisable();
}

/// <summary>What an enable confirms, in the manager's clock's timestamps.</summary>
/// <param name="SharedExpiry">
/// When the task's processes share a lease, a time it is known to last until (another process's lease adopted instead of
/// a call, or the shared lease this call extended); null when the loop's own measure stands alone.
/// </param>
/// <param name="SharedSince">When the task's continuous protection began, when its processes share it: the cap is the task's.</param>
/// <param name="CoolingDownUntil">
/// Set when nothing was enabled because the task cools down after its cap (or drains before it, and this process may not
/// join): protection may be acquired again from then, by any process.
/// </param>
internal readonly record struct EnableConfirmation(long? SharedExpiry = null, long? SharedSince = null, long? CoolingDownUntil = null);

/// <summary>Another process of the task force-disabled protection.</summary>
/// <param name="By">Which process.</param>
/// <param name="Reason">Why, as it said.</param>
internal sealed record RemoteForceDisable(string By, string Reason);
