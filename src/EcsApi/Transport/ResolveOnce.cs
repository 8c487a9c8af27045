namespace TaskProtection;

/// <summary>
/// A value resolved on first use and kept once resolved; a resolution that fails is tried again next time (the
/// metadata endpoint or the credentials may not be ready yet), unlike <see cref="Lazy{T}"/>, which keeps the failure.
/// </summary>
internal sealed class ResolveOnce<T>(Func<T> resolve)
    where T : class
{
    private readonly Lock _lock = new();
    private T? _value;

    public T Value
    {
        get
        {
            if (Volatile.Read(ref _value) is { } value)
            {
                return value;
            }

            lock (_lock)
            {
                return _value ??= resolve();
            }
        }
    }
}
