using System.Text.Json.Serialization;

namespace TaskProtection.Cli.Fleet;

/// <summary>One task of <c>list</c>: its protection, read at the report's time.</summary>
internal sealed record TaskRow(
    [property: JsonPropertyName("taskArn")] string TaskArn,
    [property: JsonPropertyName("protectionEnabled")] bool ProtectionEnabled,
    [property: JsonPropertyName("expirationDate")] DateTimeOffset? ExpirationDate,
    [property: JsonPropertyName("secondsLeft")] double? SecondsLeft)
{
    /// <summary>The task's ID, the last part of its ARN.</summary>
    [JsonIgnore]
    public string Id => TaskArn[(TaskArn.LastIndexOf('/') + 1)..];
}
