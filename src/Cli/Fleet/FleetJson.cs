using System.Text.Json.Serialization;

namespace TaskProtection.Cli.Fleet;

/// <summary>Source-generated JSON for <c>list</c>, <c>protect</c> and <c>unprotect</c>: no reflection, stable property names.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(FleetReport))]
internal sealed partial class FleetJson : JsonSerializerContext
{
    public static FleetJson Output { get; } = new(Configuration.JsonOutput.Options(indented: false));
}
