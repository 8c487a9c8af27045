namespace TaskProtection.Testing;

/// <summary>A stretch of time in which the task was not protected.</summary>
/// <param name="From">Start (inclusive).</param>
/// <param name="To">End (exclusive); <see cref="DateTimeOffset.MaxValue"/> when still unprotected.</param>
public readonly record struct UnprotectedInterval(DateTimeOffset From, DateTimeOffset To);
