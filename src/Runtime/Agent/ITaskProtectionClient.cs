namespace TaskProtection;

/// <summary>
/// The seam to the ECS agent's task-protection endpoint. <see cref="EcsAgentClient"/> implements it over HTTP;
/// TaskProtection.Testing has an in-memory implementation. Implementations throw
/// <see cref="TaskProtectionCallException"/> for every failure, including failures the agent reports with HTTP 200.
/// </summary>
public interface ITaskProtectionClient
{
    /// <summary>Enables protection for <paramref name="expiresInMinutes"/> minutes from when the agent receives the call (each call resets the expiry).</summary>
    /// <param name="expiresInMinutes">1 to 2880.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The protection state the agent confirmed.</returns>
    Task<TaskProtectionState> EnableAsync(int expiresInMinutes, CancellationToken cancellationToken);

    /// <summary>Disables protection.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The protection state the agent confirmed.</returns>
    Task<TaskProtectionState> DisableAsync(CancellationToken cancellationToken);

    /// <summary>Reads the current protection state.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The protection state the agent reported.</returns>
    Task<TaskProtectionState> GetAsync(CancellationToken cancellationToken);
}
