using System.Globalization;
using System.Text;

namespace TaskProtection.Testing;

/// <summary>
/// Writes values as the agent's Go <c>encoding/json</c> does, so that the fake's answers are its bytes: strings with
/// <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>, U+2028 and U+2029 escaped as <c>\u00xx</c>, control characters as <c>\n</c>,
/// <c>\b</c>… or lower-case <c>\u00xx</c>, everything else as is; times in RFC 3339 with nanoseconds, trailing zeros
/// trimmed (<c>time.RFC3339Nano</c>).
/// </summary>
internal static class GoJson
{
    private const string Hex = "0123456789abcdef";

    /// <summary>A JSON string, or <c>null</c>.</summary>
    public static string String(string? value)
    {
        if (value is null)
        {
            return "null";
        }

        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case < ' ' or '<' or '>' or '&' or '\u2028' or '\u2029':
                    text.Append("\\u").Append(Hex[c >> 12]).Append(Hex[(c >> 8) & 0xF]).Append(Hex[(c >> 4) & 0xF]).Append(Hex[c & 0xF]);
                    break;
                default: text.Append(c); break;
            }
        }

        return text.Append('"').ToString();
    }

    /// <summary>
    /// A time as the agent writes ECS's <c>expirationDate</c>: ECS sends epoch seconds with milliseconds, the Go SDK
    /// reads them to the millisecond in UTC, and <c>time.Time</c> marshals as RFC 3339 with the fraction's trailing
    /// zeros (and a fraction of zero, with its dot) left out: <c>2022-10-06T02:29:16.12Z</c>, <c>2022-10-06T02:29:16Z</c>.
    /// </summary>
    public static string Time(DateTimeOffset? value)
    {
        if (value is not { } time)
        {
            return "null";
        }

        DateTime utc = time.UtcDateTime;
        string seconds = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        string fraction = utc.Millisecond == 0 ? string.Empty : "." + utc.Millisecond.ToString("000", CultureInfo.InvariantCulture).TrimEnd('0');
        return $"\"{seconds}{fraction}Z\"";
    }

    /// <summary>A boolean.</summary>
    public static string Bool(bool value) => value ? "true" : "false";
}
