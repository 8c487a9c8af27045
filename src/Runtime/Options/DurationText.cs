using System.Globalization;

namespace TaskProtection;

/// <summary>
/// Durations as people write them in messages (logs, exceptions, validation failures): <c>500 ms</c>, <c>29.004 s</c>,
/// <c>2 min</c>, <c>1 h 30 min</c>, <c>2 d 3 h</c>, instead of <see cref="TimeSpan"/>'s <c>00:00:29.0040000</c>. Nothing is
/// rounded away: a validation failure must still show why 29.004 s does not fit in 29 s.
/// </summary>
internal static class DurationText
{
    public static string Format(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            // TimeSpan.MinValue has no positive counterpart; a tick less changes nothing a reader could see.
            return "-" + Format(span == TimeSpan.MinValue ? TimeSpan.MaxValue : span.Negate());
        }

        if (span == TimeSpan.Zero)
        {
            return "0 s";
        }

        if (span < TimeSpan.FromSeconds(1))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{span.Ticks / (double)TimeSpan.TicksPerMillisecond:0.####} ms");
        }

        var parts = new List<string>(4);
        Add(parts, span.Days, "d");
        Add(parts, span.Hours, "h");
        Add(parts, span.Minutes, "min");
        long subMinuteTicks = span.Ticks % TimeSpan.TicksPerMinute;
        if (subMinuteTicks > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{subMinuteTicks / (double)TimeSpan.TicksPerSecond:0.#######} s"));
        }

        return string.Join(' ', parts);
    }

    private static void Add(List<string> parts, int count, string unit)
    {
        if (count > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{count} {unit}"));
        }
    }
}
