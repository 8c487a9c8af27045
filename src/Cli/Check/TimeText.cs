using System.Globalization;

namespace TaskProtection.Cli.Check;

/// <summary>How the report writes times: offsets as m:ss (or h:mm:ss), spans as the library writes them.</summary>
internal static class TimeText
{
    public static string Offset(TimeSpan at) => at.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)at.TotalHours}:{at.Minutes:00}:{at.Seconds:00}")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)at.TotalMinutes}:{at.Seconds:00}");

    /// <summary>A duration as the library's own messages write it: 500 ms, 29 s, 2 min, 1 h 30 min.</summary>
    public static string Span(TimeSpan span) => DurationText.Format(span);
}
