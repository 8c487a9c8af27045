using System.Text.Json.Serialization;

namespace TaskProtection.Cli.FakeAgent;

/// <summary>
/// One call the fake agent received, as <c>fake-agent</c> prints it: what was asked and what was answered. With
/// <c>--json</c>, one object per line; <see cref="Status"/> is null when no answer was sent.
/// </summary>
internal sealed record CallLine(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("request")] string Request,
    [property: JsonPropertyName("minutes")] int? Minutes,
    [property: JsonPropertyName("status")] int? Status,
    [property: JsonPropertyName("answer")] string Answer,
    [property: JsonPropertyName("protectedUntil")] DateTimeOffset? ProtectedUntil,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("fault")] string Fault)
{
    /// <summary>Which event a JSON line is: every call line says <c>call</c>; the first line says <c>listening</c>.</summary>
    [JsonPropertyName("event")]
    [JsonPropertyOrder(-1)]
    public string Event { get; init; } = "call";
}
