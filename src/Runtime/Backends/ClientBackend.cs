namespace TaskProtection;

/// <summary>
/// The backend over an <see cref="ITaskProtectionClient"/>: the agent client, the ECS API client, an in-memory one, or
/// the application's own. A confirmed enable confirms the manager's own measure of the lease (from before it was sent).
/// </summary>
/// <remarks>Awaited on the loop's scheduler (a deterministic one in simulations), so its awaits omit ConfigureAwait.</remarks>
internal sealed class ClientBackend(ITaskProtectionClient client) : IProtectionBackend
{
    public string Description => client.GetType().Name;

    public async Task<EnableConfirmation> EnableAsync(int minutes, CancellationToken cancellationToken)
    {
        await client.EnableAsync(minutes, cancellationToken);
        return new EnableConfirmation(SharedExpiry: null);
    }

    public Task DisableAsync(CancellationToken cancellationToken) => client.DisableAsync(cancellationToken);

    /// <summary>One process alone: nobody else to tell.</summary>
    public Task AnnounceForceDisableAsync(string reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>One process alone: a force-disable is a disable.</summary>
    public Task ForceDisableAsync(string reason, CancellationToken cancellationToken) => client.DisableAsync(cancellationToken);

    public void NoLongerNeeded()
    {
        // One process alone: nobody else to let release.
    }

    public RemoteForceDisable? TakeRemoteForceDisable() => null;
}
