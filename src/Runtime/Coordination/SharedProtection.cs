using System.Text.Json.Serialization;

namespace TaskProtection;

/// <summary>
/// What the processes of one task know together, kept in the coordination directory's state file and read and changed
/// only under the call lock. Every time is a shared time (see <see cref="SharedClock"/>), valid under <see cref="Clock"/>.
/// </summary>
/// <param name="Clock">The clock the times are on; a state on another clock is recovered from, not trusted.</param>
/// <param name="ExpiresAt">A lower bound of when ECS drops the task's protection, from the last confirmed enable; null when unknown or released.</param>
/// <param name="ProtectedSince">When the task's current continuous protection began: its cap, drain and cool-down are the task's, not a process's.</param>
/// <param name="CooldownUntil">Until when the task may not be protected again after its cap (its release then, plus MaxProtectionCooldown).</param>
/// <param name="LastCall">The last call to ECS any process made.</param>
/// <param name="Pending">Calls given up on that may still take effect until their <see cref="PendingCall.MayLandUntil"/>.</param>
/// <param name="ForceDisable">The last force-disable, which every process must hear of.</param>
internal sealed record SharedProtection(
    [property: JsonPropertyName("clock")] string? Clock,
    [property: JsonPropertyName("expiresAt")] long? ExpiresAt,
    [property: JsonPropertyName("protectedSince")] long? ProtectedSince,
    [property: JsonPropertyName("cooldownUntil")] long? CooldownUntil,
    [property: JsonPropertyName("lastCall")] LastCall? LastCall,
    [property: JsonPropertyName("pending")] IReadOnlyList<PendingCall> Pending,
    [property: JsonPropertyName("forceDisable")] ForceDisableMark? ForceDisable)
{
    public static SharedProtection Empty { get; } = new(null, null, null, null, null, [], null);

    /// <summary>
    /// An upper bound of when ECS may drop the task's protection, from every enable that went out, confirmed or given up
    /// on; null after a confirmed release. Unlike <see cref="ExpiresAt"/> it is never adopted: it keeps the task's period
    /// going (so its cap) while protection may still be in force, say after a release that failed.
    /// </summary>
    [JsonPropertyName("protectedAtMostUntil")]
    public long? ProtectedAtMostUntil { get; init; }

    /// <summary>This state, knowing that an enable for <paramref name="minutes"/> sent at <paramref name="sentAt"/> may hold until <paramref name="landing"/> after it plus those minutes.</summary>
    public SharedProtection MayBeProtectedBy(long sentAt, long landing, long minutes) =>
        this with { ProtectedAtMostUntil = Math.Max(ProtectedAtMostUntil ?? long.MinValue, sentAt + landing + minutes) };

    /// <summary>Until when a disable given up on may still land; null when none can.</summary>
    public long? DisableMayLandUntil(long now) =>
        Pending.Where(p => !p.Enable && p.MayLandUntil > now).Select(static p => (long?)p.MayLandUntil).Max();

    /// <summary>Until when an enable given up on may still land; null when none can.</summary>
    public long? EnableMayLandUntil(long now) =>
        Pending.Where(p => p.Enable && p.MayLandUntil > now).Select(static p => (long?)p.MayLandUntil).Max();

    /// <summary>The calls that may still land after <paramref name="now"/>.</summary>
    public IReadOnlyList<PendingCall> StillPending(long now) => [.. Pending.Where(p => p.MayLandUntil > now)];
}

/// <summary>One call to ECS by one process.</summary>
internal sealed record LastCall(
    [property: JsonPropertyName("by")] string By,
    [property: JsonPropertyName("enable")] bool Enable,
    [property: JsonPropertyName("startedAt")] long StartedAt,
    [property: JsonPropertyName("succeeded")] bool Succeeded,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("retryable")] bool Retryable);

/// <summary>A call given up on (timed out, connection broken) that ECS may still apply until <see cref="MayLandUntil"/>.</summary>
internal sealed record PendingCall(
    [property: JsonPropertyName("enable")] bool Enable,
    [property: JsonPropertyName("sentAt")] long SentAt,
    [property: JsonPropertyName("minutes")] int Minutes,
    [property: JsonPropertyName("mayLandUntil")] long MayLandUntil);

/// <summary>A force-disable: its sequence number, reason, who and when.</summary>
internal sealed record ForceDisableMark(
    [property: JsonPropertyName("epoch")] long Epoch,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("by")] string By,
    [property: JsonPropertyName("at")] long At);

/// <summary>Source-generated JSON for the state file (the runtime is AOT-compatible).</summary>
[JsonSerializable(typeof(SharedProtection))]
internal sealed partial class SharedProtectionJson : JsonSerializerContext;
