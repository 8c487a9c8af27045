using System.Text.Json.Serialization;

namespace TaskProtection.Cli.Check;

/// <summary>What <c>check --json</c> writes: the verdict, the figures the report explains, and the simulated schedule (seconds from the session's start).</summary>
internal sealed record CheckDocument(
    [property: JsonPropertyName("valid")] bool Valid,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("failures")] IReadOnlyList<string> Failures,
    [property: JsonPropertyName("figures")] CheckFigures? Figures,
    [property: JsonPropertyName("timeline")] CheckTimeline? Timeline)
{
    public static CheckDocument Invalid(string source, IReadOnlyList<string> failures) => new(false, source, failures, null, null);

    public static CheckDocument From(string source, ScheduleTimeline timeline)
    {
        TaskProtectionOptions o = timeline.Options;
        var figures = new CheckFigures(
            o.ExpiresInMinutes,
            timeline.RenewalPeriod?.TotalSeconds,
            o.ProtectionBuffer.TotalSeconds,
            o.ToleratedConsecutiveFailures,
            GapBudget.WorstCaseTime(o, o.ToleratedConsecutiveFailures).TotalSeconds,
            o.GapSafetyMargin.TotalSeconds,
            o.ReleaseDelay.TotalSeconds,
            o.MaxProtectionDuration.TotalSeconds,
            o.CapDrain.TotalSeconds,
            o.MaxProtectionCooldown.TotalSeconds);
        var schedule = new CheckTimeline(
            timeline.SessionEnds.TotalSeconds,
            [.. timeline.Enables.Select(e => new CheckEnable(e.At.TotalSeconds, e.Minutes, e.LeaseEnds.TotalSeconds, e.Acquire))],
            [.. timeline.Releases.Select(r => r.TotalSeconds)],
            [.. timeline.Unprotected.Select(u => new CheckStretch(u.From.TotalSeconds, u.To.TotalSeconds))],
            [.. timeline.Told.Select(t => new CheckTold(t.At.TotalSeconds, t.Reason.ToString()))]);
        return new CheckDocument(true, source, [], figures, schedule);
    }
}

/// <summary>The figures of a valid configuration, in seconds where a duration.</summary>
internal sealed record CheckFigures(
    [property: JsonPropertyName("leaseMinutes")] int LeaseMinutes,
    [property: JsonPropertyName("renewalPeriodSeconds")] double? RenewalPeriodSeconds,
    [property: JsonPropertyName("bufferSeconds")] double BufferSeconds,
    [property: JsonPropertyName("toleratedFailures")] int ToleratedFailures,
    [property: JsonPropertyName("outageCoveredSeconds")] double OutageCoveredSeconds,
    [property: JsonPropertyName("gapSafetyMarginSeconds")] double GapSafetyMarginSeconds,
    [property: JsonPropertyName("releaseDelaySeconds")] double ReleaseDelaySeconds,
    [property: JsonPropertyName("maxProtectionSeconds")] double MaxProtectionSeconds,
    [property: JsonPropertyName("drainSeconds")] double DrainSeconds,
    [property: JsonPropertyName("cooldownSeconds")] double CooldownSeconds);

/// <summary>The simulated schedule.</summary>
internal sealed record CheckTimeline(
    [property: JsonPropertyName("sessionEndsSeconds")] double SessionEndsSeconds,
    [property: JsonPropertyName("enables")] IReadOnlyList<CheckEnable> Enables,
    [property: JsonPropertyName("releasesSeconds")] IReadOnlyList<double> ReleasesSeconds,
    [property: JsonPropertyName("unprotected")] IReadOnlyList<CheckStretch> Unprotected,
    [property: JsonPropertyName("told")] IReadOnlyList<CheckTold> Told);

/// <summary>One enable in the schedule.</summary>
internal sealed record CheckEnable(
    [property: JsonPropertyName("atSeconds")] double AtSeconds,
    [property: JsonPropertyName("minutes")] int Minutes,
    [property: JsonPropertyName("leaseEndsSeconds")] double LeaseEndsSeconds,
    [property: JsonPropertyName("acquire")] bool Acquire);

/// <summary>A stretch without protection in the agent's record.</summary>
internal sealed record CheckStretch([property: JsonPropertyName("fromSeconds")] double FromSeconds, [property: JsonPropertyName("toSeconds")] double ToSeconds);

/// <summary>When the application was told, and why.</summary>
internal sealed record CheckTold([property: JsonPropertyName("atSeconds")] double AtSeconds, [property: JsonPropertyName("reason")] string Reason);
