using System.Text.Json.Serialization;

namespace TaskProtection.Cli.FakeAgent;

/// <summary>The first line of <c>fake-agent --json</c>: where the agent listens, and for which task.</summary>
internal sealed record ListeningLine(
    [property: JsonPropertyName("agentUri")] string AgentUri,
    [property: JsonPropertyName("taskArn")] string TaskArn)
{
    [JsonPropertyName("event")]
    [JsonPropertyOrder(-1)]
    public string Event { get; init; } = "listening";
}
