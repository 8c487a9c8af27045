using System.Text.Json.Serialization;

namespace TaskProtection.Cli.Status;

/// <summary>What <c>status</c> shows: the agent's answer, read at <see cref="ReadAt"/>.</summary>
internal sealed record ProtectionReport(
    [property: JsonPropertyName("protectionEnabled")] bool ProtectionEnabled,
    [property: JsonPropertyName("expirationDate")] DateTimeOffset? ExpirationDate,
    [property: JsonPropertyName("secondsLeft")] double? SecondsLeft,
    [property: JsonPropertyName("taskArn")] string? TaskArn,
    [property: JsonPropertyName("agentUri")] string AgentUri,
    [property: JsonPropertyName("readAt")] DateTimeOffset ReadAt)
{
    public static ProtectionReport From(TaskProtectionState state, Uri agentUri, DateTimeOffset readAt)
    {
        TimeSpan? left = state.ProtectionEnabled && state.ExpirationDate is { } expiry ? Max(expiry - readAt, TimeSpan.Zero) : null;
        return new ProtectionReport(state.ProtectionEnabled, state.ExpirationDate, left?.TotalSeconds is { } s ? Math.Round(s, 1) : null, state.TaskArn, agentUri.AbsoluteUri, readAt);
    }

    /// <summary>For the table only: JSON has <c>secondsLeft</c>, a number a script can compare, as docs/cli.md documents.</summary>
    [JsonIgnore]
    public TimeSpan? TimeLeft => SecondsLeft is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
