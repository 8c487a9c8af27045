namespace TaskProtection;

/// <summary>
/// A handle on one critical session. Disposing it ends the session exactly once, whichever copy of the handle is
/// disposed, from whichever thread, however many times. The default value is an inert handle.
/// </summary>
public readonly struct CriticalSession : IDisposable, IAsyncDisposable, IEquatable<CriticalSession>
{
    private readonly CriticalSessionRegistry? _registry;
    private readonly SessionSlot? _slot;

    internal CriticalSession(CriticalSessionRegistry registry, SessionSlot slot, long id, string name)
    {
        _registry = registry;
        _slot = slot;
        Id = id;
        Name = name;
    }

    /// <summary>The session id, unique within its registry; 0 for the default handle.</summary>
    public long Id { get; }

    /// <summary>The session name given to <see cref="CriticalSessionRegistry.Enter"/>.</summary>
    public string? Name { get; }

    /// <summary>Whether the session is still active.</summary>
    public bool IsActive => _slot is not null && SessionTable.IsActive(_slot, Id);

    /// <summary>Ends the session; later calls do nothing.</summary>
    public void Dispose() => _registry?.Exit(_slot!, Id);

    /// <summary>Ends the session; later calls do nothing.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }

    /// <inheritdoc />
    public bool Equals(CriticalSession other) => ReferenceEquals(_registry, other._registry) && Id == other.Id;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CriticalSession other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Id.GetHashCode();

    /// <summary>Whether both handles refer to the same session.</summary>
    public static bool operator ==(CriticalSession left, CriticalSession right) => left.Equals(right);

    /// <summary>Whether the handles refer to different sessions.</summary>
    public static bool operator !=(CriticalSession left, CriticalSession right) => !left.Equals(right);
}
