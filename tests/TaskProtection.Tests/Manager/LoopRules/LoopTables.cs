using Microsoft.Extensions.Time.Testing;

namespace TaskProtection.Tests.Manager.LoopRules;

/// <summary>Seconds as the loop's clock ticks (a fake clock counts TimeSpan ticks), so that table rows read as times.</summary>
internal static class LoopTables
{
    public static readonly ManagerClock Clock = new(new FakeTimeProvider());

    public static long S(double seconds) => (long)(seconds * TimeSpan.TicksPerSecond);

    public static double Seconds(long ticks) => ticks / (double)TimeSpan.TicksPerSecond;

    /// <summary>The defaults: 7-minute leases renewed with 2 minutes left, a 2-hour cap with a 1-hour drain, 2 s tolerance.</summary>
    public static TaskProtectionOptions Defaults => new();
}
