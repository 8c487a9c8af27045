namespace TaskProtection;

/// <summary>
/// Marks a partial method whose every call runs inside a critical session: while it runs, the ECS task
/// is kept protected from scale-in. The source generator emits the implementing part, which enters
/// <see cref="CriticalSessionRegistry.Default"/>, calls the implementation method (<c>{Name}Core</c>, or
/// <c>{Stem}CoreAsync</c> when the name ends in <c>Async</c>) and ends the session in <c>finally</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false, AllowMultiple = false)]
public sealed class CriticalSectionAttribute : Attribute
{
    /// <summary>Uses the session name <c>{ContainingType}.{Method}</c>.</summary>
    public CriticalSectionAttribute()
    {
    }

    /// <summary>Uses <paramref name="name"/> as the session name shown in status, logs and metrics.</summary>
    /// <param name="name">The session name; not empty.</param>
    public CriticalSectionAttribute(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The explicit session name, or <see langword="null"/> for the default name.</summary>
    public string? Name { get; }
}
