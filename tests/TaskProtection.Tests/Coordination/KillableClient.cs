namespace TaskProtection.Tests.Coordination;

/// <summary>A process's way to the agent that dies with it: after <see cref="Kill"/>, no call of it ever reaches the agent.</summary>
internal sealed class KillableClient(ITaskProtectionClient inner) : ITaskProtectionClient
{
    private volatile bool _dead;

    public void Kill() => _dead = true;

    public Task<TaskProtectionState> EnableAsync(int expiresInMinutes, CancellationToken cancellationToken) =>
        _dead ? Never(cancellationToken) : inner.EnableAsync(expiresInMinutes, cancellationToken);

    public Task<TaskProtectionState> DisableAsync(CancellationToken cancellationToken) =>
        _dead ? Never(cancellationToken) : inner.DisableAsync(cancellationToken);

    public Task<TaskProtectionState> GetAsync(CancellationToken cancellationToken) =>
        _dead ? Never(cancellationToken) : inner.GetAsync(cancellationToken);

    private static Task<TaskProtectionState> Never(CancellationToken cancellationToken)
    {
        var never = new TaskCompletionSource<TaskProtectionState>();
        cancellationToken.Register(static state => ((TaskCompletionSource<TaskProtectionState>)state!).TrySetCanceled(), never);
        return never.Task;
    }
}
