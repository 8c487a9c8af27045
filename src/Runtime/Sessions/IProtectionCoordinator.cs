namespace TaskProtection;

/// <summary>The registry's view of the manager attached to it.</summary>
internal interface IProtectionCoordinator
{
    /// <summary>Whether protection already covers a session entered now; cheap and allocation-free.</summary>
    /// <param name="enteredAt">The session's start, a timestamp of the registry's clock taken just before it was counted.</param>
    bool IsCovered(long enteredAt);

    /// <summary>
    /// Called when a synchronous session would start its body without coverage; must not block. Returns why the session is
    /// refused instead (the task refuses new work: draining, cooling down, not taking work), or null when it goes ahead.
    /// </summary>
    AdmissionState? OnUncoveredEntry();

    /// <summary>Called on every 0→1 and 1→0 change of the active count; must not block.</summary>
    void OnActivityChanged();

    /// <summary>
    /// Whether the manager was stopped. It stays attached, so that sessions entered afterwards are refused or told; a new
    /// manager may take its place.
    /// </summary>
    bool IsStopped { get; }

    /// <summary>Whether <see cref="OnSessionEnded"/> has a use now (someone listens to session durations): saves a timestamp per session otherwise.</summary>
    bool WantsSessionDurations { get; }

    /// <summary>Called when a session ends, with how long it ran; must not block or allocate.</summary>
    void OnSessionEnded(string name, TimeSpan duration);

    /// <summary>
    /// Completes with <paramref name="session"/> once protection covers it, or as the acquire-timeout behaviour says;
    /// ends the session when it throws.
    /// </summary>
    Task<CriticalSession> WaitForCoverageAsync(CriticalSession session, CancellationToken cancellationToken);
}
