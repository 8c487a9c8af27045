using System.Text;

namespace TaskProtection.Cli.Check;

/// <summary>The timeline as text: the calls in order, then a chart of each lease against the session and the agent's record.</summary>
internal static class TimelineText
{
    private const int Columns = 60;
    private const int MaxListed = 40;

    public static void Write(TextWriter output, ScheduleTimeline timeline)
    {
        output.WriteLine($"Timeline: one session held from 0:00 to {TimeText.Offset(timeline.SessionEnds)}, as the real manager schedules it (simulated clock, agent always answering):");
        List<(TimeSpan At, string Text)> events = Events(timeline);
        foreach ((TimeSpan at, string text) in events.Take(MaxListed))
        {
            output.WriteLine($"  {TimeText.Offset(at),8}  {text}");
        }

        if (events.Count > MaxListed)
        {
            output.WriteLine($"  … and {events.Count - MaxListed} more events.");
        }

        output.WriteLine();
        WriteChart(output, timeline);
        output.WriteLine();
        List<Stretch> gaps = [.. timeline.UnprotectedDuringSession];
        output.WriteLine(gaps.Count == 0
            ? $"Protection held without a gap from 0:00 until the release at {TimeText.Offset(timeline.Releases.LastOrDefault(timeline.End))}."
            : $"Unprotected while the session ran: {string.Join(", ", gaps.Select(g => $"{TimeText.Offset(g.From)}–{TimeText.Offset(g.To)}"))}" +
              (timeline.Told.Count > 0 ? " (the application was told first; see above)." : "."));
    }

    private static List<(TimeSpan At, string Text)> Events(ScheduleTimeline timeline)
    {
        TimeSpan buffer = timeline.Options.ProtectionBuffer;
        var events = new List<(TimeSpan At, string Text)>();
        foreach (LeaseCall call in timeline.Enables)
        {
            bool last = timeline.Told.Any(t => t.Reason == ProtectionLossReason.MaxDurationReached && t.At > call.At && t.At <= call.LeaseEnds);
            string next = last
                ? $"the cap (MaxProtectionDuration {TimeText.Span(timeline.Options.MaxProtectionDuration)}): no renewal after this one"
                : $"next renewal due {TimeText.Offset(call.LeaseEnds - buffer)} (buffer {TimeText.Span(buffer)})";
            events.Add((call.At, $"{(call.Acquire ? "acquire" : "renew"),-8} asks {call.Minutes} min: lease ends {TimeText.Offset(call.LeaseEnds)}, {next}"));
        }

        foreach (TimeSpan at in timeline.Releases)
        {
            events.Add((at, "release  protection off"));
        }

        foreach (Told told in timeline.Told)
        {
            events.Add((told.At, $"told     ProtectionLost ({told.Reason}); ProtectionLostToken cancelled"));
        }

        foreach (Stretch gap in timeline.Unprotected.Where(g => g.From < timeline.SessionEnds && g.From > TimeSpan.Zero))
        {
            events.Add((gap.From, $"ECS      protection ended; unprotected until {TimeText.Offset(gap.To)}"));
        }

        events.Add((timeline.SessionEnds, "session  ends"));
        return [.. events.OrderBy(e => e.At)];
    }

    private static void WriteChart(TextWriter output, ScheduleTimeline timeline)
    {
        double scale = timeline.ChartEnd.Ticks / (double)Columns;
        output.WriteLine($"  {"",-9}{Axis(timeline.ChartEnd)}");
        foreach (LeaseCall call in timeline.Enables.Take(20))
        {
            TimeSpan due = call.LeaseEnds - timeline.Options.ProtectionBuffer;
            TimeSpan until = timeline.Until(call);
            output.WriteLine($"  {(call.Acquire ? "acquire" : "renew"),-9}" + Row(scale, t => t < call.At || t >= until ? ' ' : t < due ? '=' : '~', call.At));
        }

        if (timeline.Enables.Count > 20)
        {
            output.WriteLine($"  ({timeline.Enables.Count - 20} more leases not drawn)");
        }

        output.WriteLine($"  {"session",-9}" + Row(scale, t => t < timeline.SessionEnds ? '#' : ' '));
        output.WriteLine($"  {"ECS",-9}" + Row(scale, t => t >= timeline.End ? ' ' : timeline.Unprotected.Any(g => t >= g.From && t < g.To) ? '.' : 'P'));
        output.WriteLine($"  {"",-9}| call  = lease  ~ buffer (renewal due)  # session  P protected by ECS  . unprotected");
    }

    /// <summary>One character per column, sampled at the column's middle; <paramref name="mark"/>'s column shows '|'.</summary>
    private static string Row(double scale, Func<TimeSpan, char> at, TimeSpan? mark = null)
    {
        var row = new StringBuilder(Columns);
        for (int column = 0; column < Columns; column++)
        {
            bool marked = mark is { } m && m.Ticks >= column * scale && m.Ticks < (column + 1) * scale;
            row.Append(marked ? '|' : at(TimeSpan.FromTicks((long)((column + 0.5) * scale))));
        }

        return row.ToString();
    }

    private static string Axis(TimeSpan end)
    {
        var axis = new StringBuilder(new string(' ', Columns + 8));
        for (int column = 0; column <= Columns; column += Columns / 4)
        {
            string label = TimeText.Offset(TimeSpan.FromTicks((long)(column * (end.Ticks / (double)Columns))));
            axis.Remove(column, label.Length).Insert(column, label);
        }

        return axis.ToString().TrimEnd();
    }
}
