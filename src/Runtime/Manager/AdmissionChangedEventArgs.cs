namespace TaskProtection;

/// <summary>The task started or stopped refusing new critical sessions.</summary>
/// <param name="state">Whether sessions are accepted now, and if not, why.</param>
public sealed class AdmissionChangedEventArgs(AdmissionState state) : EventArgs
{
    /// <summary>Whether sessions are accepted now, and if not, why.</summary>
    public AdmissionState State { get; } = state;
}
