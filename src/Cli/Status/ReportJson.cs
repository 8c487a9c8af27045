using System.Text.Json.Serialization;

namespace TaskProtection.Cli.Status;

/// <summary>Source-generated JSON for the status report: no reflection, stable property names.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ProtectionReport))]
[JsonSerializable(typeof(string))]
internal sealed partial class ReportJson : JsonSerializerContext
{
    public static ReportJson Output { get; } = new(Configuration.JsonOutput.Options(indented: false));
}
