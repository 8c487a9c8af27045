using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TaskProtection.Testing;

/// <summary>
/// Decodes a PUT body as the agent does: Go's <c>json.Decoder</c> with <c>DisallowUnknownFields</c> into
/// <c>{ ProtectionEnabled *bool; ExpiresInMinutes *int64 }</c>. So, like the agent, it accepts field names in any case,
/// <c>null</c> for either field (or for the whole body), and anything after the first JSON value; it refuses an unknown
/// field, a wrong type, a number that is not an integer or does not fit 64 bits, and an empty body. A client that
/// relied on either side of this passes the fake exactly when it would pass the agent.
/// </summary>
internal static class AgentRequestDecoder
{
    private const string EnabledField = "ProtectionEnabled";
    private const string MinutesField = "ExpiresInMinutes";

    /// <summary>The decoded fields; false when the agent would answer its 400 decode error.</summary>
    public static bool TryDecode(string body, out bool? enabled, out long? minutes)
    {
        enabled = null;
        minutes = null;
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        var reader = new Utf8JsonReader(bytes);
        try
        {
            // One value, as Decoder.Decode reads: whatever follows it is never looked at.
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind switch
            {
                JsonValueKind.Null => true,
                JsonValueKind.Object => TryReadFields(document.RootElement, ref enabled, ref minutes),
                _ => false,
            };
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryReadFields(JsonElement root, ref bool? enabled, ref long? minutes)
    {
        // Later duplicates win, as in Go.
        foreach (JsonProperty property in root.EnumerateObject())
        {
            JsonElement value = property.Value;
            if (GoFieldMatches(property.Name, EnabledField))
            {
                switch (value.ValueKind)
                {
                    case JsonValueKind.Null: enabled = null; break;
                    case JsonValueKind.True or JsonValueKind.False: enabled = value.GetBoolean(); break;
                    default: return false;
                }
            }
            else if (GoFieldMatches(property.Name, MinutesField))
            {
                if (value.ValueKind == JsonValueKind.Null)
                {
                    minutes = null;
                }
                else if (value.ValueKind == JsonValueKind.Number
                         && long.TryParse(value.GetRawText(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed))
                {
                    // strconv.ParseInt: "5.0", "5e1" and out-of-range numbers are refused.
                    minutes = parsed;
                }
                else
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Go matches a key to a field exactly or else by folding both (its <c>foldName</c>): ASCII to upper case, any
    /// other letter to the upper case of its lower case. So the long s (U+017F) stands for <c>s</c>, the Kelvin sign
    /// (U+212A) for <c>k</c>, and the dotless and dotted i (U+0131, U+0130) for <c>i</c>.
    /// </summary>
    internal static bool GoFieldMatches(string key, string field)
    {
        if (key.Length != field.Length)
        {
            return false;
        }

        for (int i = 0; i < key.Length; i++)
        {
            if (Fold(key[i]) != Fold(field[i]))
            {
                return false;
            }
        }

        return true;
    }

    // .NET's invariant casing leaves the two Turkish i alone; Go's Unicode tables map both to I.
    private static char Fold(char c) => c switch
    {
        < '\u0080' => char.ToUpperInvariant(c),
        '\u0130' or '\u0131' => 'I',
        _ => char.ToUpperInvariant(char.ToLowerInvariant(c)),
    };
}
