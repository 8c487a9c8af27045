using System.Globalization;

namespace TaskProtection.Cli.Check;

/// <summary>What a valid configuration means, in the terms an operator weighs: leases, renewals, what it survives, when it lets go.</summary>
internal static class ConfigurationReport
{
    public static void Write(TextWriter output, string source, ScheduleTimeline timeline)
    {
        TaskProtectionOptions o = timeline.Options;
        int k = o.ToleratedConsecutiveFailures;
        TimeSpan worst = GapBudget.WorstCaseTime(o, k);
        output.WriteLine($"Configuration: {source}");
        output.WriteLine("Valid: it passes every check start-up makes, so renewals are gap-free within its failure budget.");
        output.WriteLine();
        Row(output, "Lease requested", $"{o.ExpiresInMinutes} min per enable (ExtensionInterval {TimeText.Span(o.ExtensionInterval)} + ProtectionBuffer {TimeText.Span(o.ProtectionBuffer)}, rounded up to whole minutes)");
        string period = timeline.RenewalPeriod is { } real ? TimeText.Span(real) : "none within the timeline";
        Row(output, "Renewal period", $"{period} in practice: each renewal starts when {TimeText.Span(o.ProtectionBuffer)} of the lease is left");
        Row(output, "Buffer", $"{TimeText.Span(o.ProtectionBuffer)} (ProtectionBuffer)");
        Row(output, "Survives", $"{k} consecutive failed renewals (MinimumToleratedFailures {o.MinimumToleratedFailures})");
        Row(output, "Outage covered", $"{TimeText.Span(worst)}: {k + 1} attempts of up to {TimeText.Span(o.RequestTimeout)} with retry delays and timer lateness, answered within the buffer");
        Row(output, "Budget check", string.Create(CultureInfo.InvariantCulture,
            $"(k+1)·RequestTimeout + Σ retry delays + (2k+2)·(SchedulingTolerance + 1 ms) = {TimeText.Span(worst)} ≤ ProtectionBuffer {TimeText.Span(o.ProtectionBuffer)} for k = {k}"));
        Row(output, "Gap safety margin", $"{TimeText.Span(o.GapSafetyMargin)} (ProtectionBuffer − CheckInterval: the watchdog's room to renew a lease whose timer was missed)");
        Row(output, "Release", $"{TimeText.Span(o.ReleaseDelay)} after the last session ends (ReleaseDelay)");
        Row(output, "Cap", o.CapDrain > TimeSpan.Zero
            ? $"{TimeText.Span(o.MaxProtectionDuration)} of continuous protection (MaxProtectionDuration); no new session in its last {TimeText.Span(o.CapDrain)} (MaxProtectionDrain); then {TimeText.Span(o.MaxProtectionCooldown)} unprotected (MaxProtectionCooldown)"
            : $"{TimeText.Span(o.MaxProtectionDuration)} of continuous protection (MaxProtectionDuration), then {TimeText.Span(o.MaxProtectionCooldown)} unprotected (MaxProtectionCooldown); no drain (MaxProtectionDrain 0)");
        Row(output, "Acquire", $"sessions wait up to {TimeText.Span(o.AcquireTimeout)} for protection, then {o.AcquireTimeoutBehavior}");
        Row(output, "Drain", $"up to {TimeText.Span(o.DrainTimeout)} after SIGTERM (DrainTimeout)");
        output.WriteLine();
    }

    private static void Row(TextWriter output, string name, string value) => output.WriteLine($"  {name,-18} {value}");
}
