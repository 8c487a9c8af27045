using System.Text.Json.Serialization;

namespace TaskProtection.Cli.Fleet;

/// <summary>
/// One task of <c>list</c>: its protection, read at the report's time, and for a protected task whether its service is
/// replacing it (a deployment whose PRIMARY is not the task's; null when not protected or it could not be read) and since
/// when (that deployment's creation).
/// </summary>
internal sealed record TaskRow(
    [property: JsonPropertyName("taskArn")] string TaskArn,
    [property: JsonPropertyName("protectionEnabled")] bool ProtectionEnabled,
    [property: JsonPropertyName("expirationDate")] DateTimeOffset? ExpirationDate,
    [property: JsonPropertyName("secondsLeft")] double? SecondsLeft)
{
    [JsonPropertyName("beingReplaced")]
    public bool? BeingReplaced { get; init; }

    [JsonPropertyName("replacedSince")]
    public DateTimeOffset? ReplacedSince { get; init; }

    /// <summary>The deployment replacing it, for the table.</summary>
    [JsonIgnore]
    public string? ReplacedBy { get; init; }

    /// <summary>The task's ID, the last part of its ARN.</summary>
    [JsonIgnore]
    public string Id => TaskArn[(TaskArn.LastIndexOf('/') + 1)..];
}
