namespace TaskProtection;

/// <summary>
/// Whether the task takes new critical sessions now, and if not, why and until when. Job frameworks use it to stop
/// fetching work while the task drains, rather than take jobs only to hand them back.
/// </summary>
public sealed class AdmissionState
{
    /// <summary>New sessions are accepted.</summary>
    public static AdmissionState Accepting { get; } = new() { RefusalReason = SessionRefusalReason.None };

    /// <summary>Whether new sessions are accepted.</summary>
    public bool IsAccepting => RefusalReason == SessionRefusalReason.None;

    /// <summary>Why new sessions are refused; <see cref="SessionRefusalReason.None"/> when they are accepted.</summary>
    public required SessionRefusalReason RefusalReason { get; init; }

    /// <summary>The refusal in words, as <see cref="CriticalSessionRefusedException"/> gives it; null when accepting.</summary>
    public string? Why { get; init; }

    /// <summary>When sessions are expected to be accepted again (the cool-down's end); null when unknown or never.</summary>
    public DateTimeOffset? ResumesAt { get; init; }

    /// <inheritdoc />
    public override string ToString() => IsAccepting ? "accepting" : $"refusing ({RefusalReason}): {Why}";
}
