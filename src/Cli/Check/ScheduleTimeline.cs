namespace TaskProtection.Cli.Check;

/// <summary>One enable the manager sent: when (from the session's start), the minutes asked, and the lease end it set.</summary>
internal sealed record LeaseCall(TimeSpan At, int Minutes, TimeSpan LeaseEnds, bool Acquire);

/// <summary>A stretch the agent's record shows the task unprotected.</summary>
internal readonly record struct Stretch(TimeSpan From, TimeSpan To);

/// <summary>When the application was told protection would end, and why.</summary>
internal readonly record struct Told(TimeSpan At, ProtectionLossReason Reason);

/// <summary>
/// What the real manager did, on a simulated clock, for one session held from 0 to <see cref="SessionEnds"/>: every
/// agent call, as the agent recorded it, and the stretches the agent's record shows without protection.
/// </summary>
internal sealed record ScheduleTimeline(
    TaskProtectionOptions Options,
    TimeSpan SessionEnds,
    TimeSpan End,
    IReadOnlyList<LeaseCall> Enables,
    IReadOnlyList<TimeSpan> Releases,
    IReadOnlyList<Stretch> Unprotected,
    IReadOnlyList<Told> Told)
{
    /// <summary>The time between the first renewals: what ExtensionInterval becomes once the lease is rounded to whole minutes.</summary>
    public TimeSpan? RenewalPeriod => Enables.Count >= 3 ? Enables[2].At - Enables[1].At : Enables.Count == 2 ? Enables[1].At - Enables[0].At : null;

    /// <summary>The span a chart shows: past the release and the last lease end, rounded up to four whole axis steps.</summary>
    public TimeSpan ChartEnd => AxisStep * 4;

    /// <summary>A round step that puts four ticks across everything that happened.</summary>
    public TimeSpan AxisStep
    {
        get
        {
            TimeSpan last = Enables.Count > 0 && Enables[^1].LeaseEnds > End ? Enables[^1].LeaseEnds : End;
            int[] seconds = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
            int step = seconds.FirstOrDefault(s => TimeSpan.FromSeconds(s * 4) >= last, 86400);
            return TimeSpan.FromSeconds(step) * Math.Max(1, Math.Ceiling(last / (TimeSpan.FromSeconds(step) * 4)));
        }
    }

    /// <summary>Where the data ends: the end of the run, or a lease that outlasts it.</summary>
    public TimeSpan DataEnd => Enables.Select(Until).Append(End).Max();

    /// <summary>Unprotected stretches after the session ended: protection released because nothing needs it, not a gap.</summary>
    public bool IsReleased(Stretch stretch) => stretch.From >= SessionEnds;

    /// <summary>Where a lease stops counting: its own end, or the release that ended it first.</summary>
    public TimeSpan Until(LeaseCall call) =>
        Releases.Where(r => r > call.At).Select(static r => (TimeSpan?)r).FirstOrDefault() is { } release && release < call.LeaseEnds ? release : call.LeaseEnds;

    /// <summary>Unprotected stretches while the session ran.</summary>
    public IEnumerable<Stretch> UnprotectedDuringSession => Unprotected.Where(s => s.From < SessionEnds && s.To > TimeSpan.Zero);
}
