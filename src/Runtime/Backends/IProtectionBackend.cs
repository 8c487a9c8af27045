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

    /// <summary>Disables protection for the whole task now, whoever else needs it, and tells the task's other processes.</summary>
    Task ForceDisableAsync(string reason, CancellationToken cancellationToken);

    /// <summary>
    /// A force-disable made by another process of the task that this one has not heard of yet, taken (the next call
    /// returns null until there is another); null when none. Called on the loop.
    /// </summary>
    RemoteForceDisable? TakeRemoteForceDisable();
}

/// <summary>What a confirmed enable confirms.</summary>
/// <param name="SharedExpiry">
/// When the task's processes share a lease, a time it is known to last until (another process's lease adopted instead of
/// a call, or the shared lease this call extended); null when the loop's own measure stands alone.
/// </param>
internal readonly record struct EnableConfirmation(DateTimeOffset? SharedExpiry);

/// <summary>Another process of the task force-disabled protection.</summary>
/// <param name="By">Which process.</param>
/// <param name="Reason">Why, as it said.</param>
internal sealed record RemoteForceDisable(string By, string Reason);
