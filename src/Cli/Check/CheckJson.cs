using System.Text.Json.Serialization;

namespace TaskProtection.Cli.Check;

/// <summary>Source-generated JSON for <c>check --json</c>.</summary>
[JsonSerializable(typeof(CheckDocument))]
internal sealed partial class CheckJson : JsonSerializerContext
{
    public static CheckJson Output { get; } = new(Configuration.JsonOutput.Options(indented: true));
}
