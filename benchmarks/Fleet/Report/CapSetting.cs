using System.Globalization;

namespace TaskProtection.Fleet.Report;

/// <summary>One row of the cap sweep: MaxProtectionDuration, MaxProtectionDrain (zero: off) and MaxProtectionCooldown.</summary>
public sealed record CapSetting(TimeSpan Cap, TimeSpan Drain, TimeSpan? Cooldown = null)
{
    public TimeSpan EffectiveCooldown => Cooldown ?? new TaskProtectionOptions().MaxProtectionCooldown;

    public TaskProtectionOptions ToOptions() => new()
    {
        MaxProtectionDuration = Cap,
        MaxProtectionDrain = Drain,
        MaxProtectionCooldown = EffectiveCooldown,
    };

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"cap {Span(Cap)}, drain {(Drain == TimeSpan.Zero ? "off" : Span(Drain))}, cool-down {Span(EffectiveCooldown)}");

    public static string Span(TimeSpan span) => span.TotalMinutes % 60 == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0} h")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0} min");
}
