namespace TaskProtection;

/// <summary>
/// The client where ECS cannot be reached (not running in ECS, no agent endpoint): the manager then runs in unavailable
/// mode. Sessions are tracked and work runs, nothing is called, status and one log line say why. Its calls fail, should
/// anything make one.
/// </summary>
public sealed class UnavailableTaskProtectionClient : ITaskProtectionClient
{
    /// <summary>Creates the client.</summary>
    /// <param name="reason">Why ECS cannot be reached, for status and the log (for example "ECS_AGENT_URI is not set").</param>
    public UnavailableTaskProtectionClient(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        Reason = reason;
    }

    /// <summary>Why ECS cannot be reached.</summary>
    public string Reason { get; }

    /// <inheritdoc />
    public Task<TaskProtectionState> EnableAsync(int expiresInMinutes, CancellationToken cancellationToken) => Unavailable();

    /// <inheritdoc />
    public Task<TaskProtectionState> DisableAsync(CancellationToken cancellationToken) => Unavailable();

    /// <inheritdoc />
    public Task<TaskProtectionState> GetAsync(CancellationToken cancellationToken) => Unavailable();

    private Task<TaskProtectionState> Unavailable() =>
        Task.FromException<TaskProtectionState>(new TaskProtectionCallException(CallFailureKind.Transport, isRetryable: false, $"ECS cannot be reached: {Reason}."));
}
