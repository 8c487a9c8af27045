using System.Text.Json.Serialization;

namespace TaskProtection;

/// <summary>
/// What the processes of one task know together, kept in the coordination directory's state file and changed only
/// under the call lock. Every time is UTC wall-clock time, comparable across the task's processes.
/// </summary>
/// <param name="ExpiresAt">A lower bound of when ECS drops the task's protection, from the last confirmed enable; null when unknown or released.</param>
/// <param name="LastCall">The last agent call any process made.</param>
/// <param name="Pending">Calls given up on that may still take effect until their <see cref="PendingCall.MayLandUntil"/>.</param>
/// <param name="ForceDisable">The last force-disable, which every process must hear of.</param>
internal sealed record SharedProtection(
    [property: JsonPropertyName("expiresAt")] DateTimeOffset? ExpiresAt,
    [property: JsonPropertyName("lastCall")] LastCall? LastCall,
    [property: JsonPropertyName("pending")] IReadOnlyList<PendingCall> Pending,
    [property: JsonPropertyName("forceDisable")] ForceDisableMark? ForceDisable)
{
    public static SharedProtection Empty { get; } = new(null, null, [], null);

    /// <summary>Until when a disable given up on may still land; null when none can.</summary>
    public DateTimeOffset? DisableMayLandUntil(DateTimeOffset now) =>
        Pending.Where(p => !p.Enable && p.MayLandUntil > now).Select(static p => (DateTimeOffset?)p.MayLandUntil).Max();

    /// <summary>The calls that may still land after <paramref name="now"/>.</summary>
    public IReadOnlyList<PendingCall> StillPending(DateTimeOffset now) => [.. Pending.Where(p => p.MayLandUntil > now)];
}

/// <summary>One agent call by one process.</summary>
internal sealed record LastCall(
    [property: JsonPropertyName("by")] string By,
    [property: JsonPropertyName("enable")] bool Enable,
    [property: JsonPropertyName("startedAt")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("succeeded")] bool Succeeded,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("retryable")] bool Retryable);

/// <summary>A call given up on (timed out, connection broken) that ECS may still apply until <see cref="MayLandUntil"/>.</summary>
internal sealed record PendingCall(
    [property: JsonPropertyName("enable")] bool Enable,
    [property: JsonPropertyName("sentAt")] DateTimeOffset SentAt,
    [property: JsonPropertyName("minutes")] int Minutes,
    [property: JsonPropertyName("mayLandUntil")] DateTimeOffset MayLandUntil);

/// <summary>A force-disable: its sequence number, reason, who and when.</summary>
internal sealed record ForceDisableMark(
    [property: JsonPropertyName("epoch")] long Epoch,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("by")] string By,
    [property: JsonPropertyName("at")] DateTimeOffset At);

/// <summary>Source-generated JSON for the state file (the runtime is AOT-compatible).</summary>
[JsonSerializable(typeof(SharedProtection))]
internal sealed partial class SharedProtectionJson : JsonSerializerContext;
