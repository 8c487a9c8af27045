using System.Text.Encodings.Web;
using System.Text.Json;

namespace TaskProtection.Cli.Configuration;

/// <summary>JSON written for people and scripts to read: '+', '≥' and '·' as themselves, not \u escapes (output is never embedded in HTML).</summary>
internal static class JsonOutput
{
    public static JsonSerializerOptions Options(bool indented) => new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = indented,
    };
}
