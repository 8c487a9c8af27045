using System.Globalization;

namespace TaskProtection;

/// <summary>How sessions are listed in log messages.</summary>
internal static class SessionText
{
    public static string Describe(IReadOnlyList<ActiveSessionInfo> sessions) =>
        sessions.Count == 0
            ? "none"
            : string.Join(", ", sessions.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} #{s.Id} (age {s.Age:g})")));
}
