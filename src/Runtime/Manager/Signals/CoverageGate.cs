namespace TaskProtection;

/// <summary>
/// What sessions entering now are told: the timestamp until which a confirmed lease covers them (read lock-free on
/// every EnterAsync), and the gate that waiting sessions sleep on until that changes. Written by the loop's commit only.
/// </summary>
internal sealed class CoverageGate(LoopDispatcher dispatcher)
{
    private long _coverageUntil = long.MinValue;
    private TaskCompletionSource _gate = new();

    /// <summary>The current gate; read it before the state, so that a change after the read completes it.</summary>
    public Task Current => Volatile.Read(ref _gate).Task;

    public bool IsCovered(long now) => Volatile.Read(ref _coverageUntil) > now;

    /// <summary>The timestamp until which sessions entering are covered; long.MinValue when closed.</summary>
    public long Until => Volatile.Read(ref _coverageUntil);

    /// <summary>Sets coverage (a full fence, so that the loop's later reads cannot move before it).</summary>
    public void Set(long until) => Interlocked.Exchange(ref _coverageUntil, until);

    /// <summary>Completes the current gate so that waiters re-check; completion runs on the loop's scheduler, never inline.</summary>
    public void Pulse()
    {
        TaskCompletionSource previous = Interlocked.Exchange(ref _gate, new TaskCompletionSource());
        dispatcher.Post(static state => ((TaskCompletionSource)state!).TrySetResult(), previous);
    }
}
