using System.Text.Json.Serialization;

namespace TaskProtection.Cli.FakeAgent;

/// <summary>Source-generated JSON for <c>fake-agent --json</c>: one object per line.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CallLine))]
[JsonSerializable(typeof(ListeningLine))]
internal sealed partial class FakeAgentJson : JsonSerializerContext
{
    public static FakeAgentJson Output { get; } = new(Configuration.JsonOutput.Options(indented: false));
}
