using System.CommandLine.Parsing;
using System.Globalization;

namespace TaskProtection.Cli.Configuration;

/// <summary>Reads a duration flag: <c>90s</c>, <c>2m</c>, <c>1h</c>, <c>500ms</c>, plain seconds, or <c>hh:mm:ss</c> as in appsettings.json.</summary>
internal static class DurationParser
{
    public static TimeSpan Parse(ArgumentResult result)
    {
        string text = result.Tokens[0].Value.Trim();
        if (TryParse(text, out TimeSpan value) && value > TimeSpan.Zero)
        {
            return value;
        }

        result.AddError($"'{text}' is not a positive duration for {result.Argument.Name}: write 90s, 2m, 1h, 500ms, 30 (seconds) or 00:01:30.");
        return default;
    }

    public static bool TryParse(string text, out TimeSpan value)
    {
        (string suffix, double unitSeconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach ((string suffix, double unitSeconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && !(suffix == "s" && text.EndsWith("ms", StringComparison.OrdinalIgnoreCase))
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out double count))
            {
                return TryFromSeconds(count * unitSeconds, out value);
            }
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
        {
            return TryFromSeconds(seconds, out value);
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryFromSeconds(double seconds, out TimeSpan value)
    {
        bool ok = double.IsFinite(seconds) && seconds * TimeSpan.TicksPerSecond < TimeSpan.MaxValue.Ticks;
        value = ok ? TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond)) : default;
        return ok;
    }
}
