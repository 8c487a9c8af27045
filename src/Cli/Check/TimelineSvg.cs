using System.Globalization;
using System.Xml.Linq;

namespace TaskProtection.Cli.Check;

/// <summary>
/// The timeline as an SVG picture: one row per lease (lease, then its buffer), the session, and the agent's record, on an
/// axis that ends where the data does, with a legend. After the session the task is released, which is no gap: that
/// stretch is drawn neutral, and only what ran unprotected during the session is red.
/// </summary>
internal static class TimelineSvg
{
    private const double Left = 90;
    private const double Width = 720;
    private const double RowHeight = 20;
    private const double Top = 50;
    private const double LegendHeight = 36;
    private const int MaxRows = 30;
    private const string LeaseColour = "#4caf50";
    private const string BufferColour = "#ffb300";
    private const string SessionColour = "#1e88e5";
    private const string ProtectedColour = "#2e7d32";
    private const string GapColour = "#e53935";
    private const string ReleasedColour = "#bdbdbd";
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static XDocument Render(ScheduleTimeline timeline)
    {
        List<LeaseCall> drawn = [.. timeline.Enables.Take(MaxRows)];
        TimeSpan end = timeline.DataEnd;
        double axisY = Top + ((drawn.Count + 2) * RowHeight) + 14;
        double height = axisY + 16 + LegendHeight;
        var root = new XElement(Svg + "svg",
            new XAttribute("width", Number(Left + Width + 30)),
            new XAttribute("height", Number(height)),
            new XAttribute("viewBox", $"0 0 {Number(Left + Width + 30)} {Number(height)}"),
            new XAttribute("font-family", "sans-serif"),
            new XAttribute("font-size", "11"),
            new XElement(Svg + "title", "TaskProtection schedule"),
            Label(10, 20, $"One session held {TimeText.Offset(timeline.SessionEnds)}: {timeline.Enables.Count} enables, {timeline.Releases.Count} release(s); buffer {TimeText.Span(timeline.Options.ProtectionBuffer)}", "13"));
        Axis(root, end, timeline.AxisStep, axisY);

        double y = Top;
        foreach (LeaseCall call in drawn)
        {
            TimeSpan due = call.LeaseEnds - timeline.Options.ProtectionBuffer;
            TimeSpan until = timeline.Until(call);
            root.Add(Label(10, y + 14, call.Acquire ? "acquire" : "renew"));
            root.Add(Bar(end, call.At, Min(due, until), y, LeaseColour, $"lease {call.Minutes} min from {TimeText.Offset(call.At)}"));
            root.Add(Bar(end, Min(due, until), until, y, BufferColour, $"buffer: renewal due at {TimeText.Offset(due)}, lease ends {TimeText.Offset(call.LeaseEnds)}"));
            y += RowHeight;
        }

        root.Add(Label(10, y + 14, "session"));
        root.Add(Bar(end, TimeSpan.Zero, timeline.SessionEnds, y, SessionColour, "the critical session"));
        y += RowHeight;
        root.Add(Label(10, y + 14, "ECS"));
        root.Add(Bar(end, TimeSpan.Zero, timeline.End, y, ProtectedColour, "protected, by the agent's record"));
        foreach (Stretch gap in timeline.Unprotected)
        {
            root.Add(timeline.IsReleased(gap)
                ? Bar(end, gap.From, gap.To, y, ReleasedColour, $"released {TimeText.Offset(gap.From)}: nothing left to protect")
                : Bar(end, gap.From, gap.To, y, GapColour, $"unprotected {TimeText.Offset(gap.From)}–{TimeText.Offset(gap.To)}"));
        }

        foreach (Told told in timeline.Told)
        {
            double x = X(end, told.At);
            root.Add(new XElement(Svg + "line", Attr("x1", x), Attr("x2", x), Attr("y1", Top - 6), Attr("y2", y + RowHeight),
                new XAttribute("stroke", GapColour), new XAttribute("stroke-dasharray", "4 3"),
                new XElement(Svg + "title", $"application told: {told.Reason} at {TimeText.Offset(told.At)}")));
        }

        Legend(root, axisY + 16);
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
    }

    private static void Legend(XElement root, double y)
    {
        (string Colour, string Text)[] entries =
        [
            (LeaseColour, "lease"), (BufferColour, "buffer (renewal due)"), (SessionColour, "session"),
            (ProtectedColour, "ECS: protected"), (GapColour, "ECS: unprotected while the session ran"), (ReleasedColour, "ECS: released after it"),
        ];
        var legend = new XElement(Svg + "g", new XAttribute("class", "legend"));
        double x = 10;
        foreach ((string colour, string text) in entries)
        {
            legend.Add(new XElement(Svg + "rect", Attr("x", x), Attr("y", y), Attr("width", 12), Attr("height", 10), new XAttribute("fill", colour)));
            legend.Add(Label(x + 16, y + 9, text));
            x += 28 + (text.Length * 5.6);
        }

        legend.Add(new XElement(Svg + "line", Attr("x1", 10), Attr("x2", 22), Attr("y1", y + 24), Attr("y2", y + 24),
            new XAttribute("stroke", GapColour), new XAttribute("stroke-dasharray", "4 3")));
        legend.Add(Label(26, y + 28, "application told (ProtectionLost)"));
        root.Add(legend);
    }

    /// <summary>Ticks every <paramref name="step"/> up to the end of the data, and the end itself: the axis stops where the data does.</summary>
    private static void Axis(XElement root, TimeSpan end, TimeSpan step, double y)
    {
        for (TimeSpan t = TimeSpan.Zero; t <= end; t += step)
        {
            Tick(root, end, t, y);
        }

        if (end.Ticks % step.Ticks >= step.Ticks / 4)
        {
            Tick(root, end, end, y);
        }
    }

    private static void Tick(XElement root, TimeSpan end, TimeSpan t, double y)
    {
        double x = X(end, t);
        root.Add(new XElement(Svg + "line", Attr("x1", x), Attr("x2", x), Attr("y1", Top - 4), Attr("y2", y - 10), new XAttribute("stroke", "#ddd")));
        root.Add(Label(x - 10, y, TimeText.Offset(t)));
    }

    private static XElement Bar(TimeSpan end, TimeSpan from, TimeSpan to, double y, string fill, string title)
    {
        double x1 = X(end, from);
        double x2 = X(end, to < end ? to : end);
        return new XElement(Svg + "rect", Attr("x", x1), Attr("y", y + 3), Attr("width", Math.Max(x2 - x1, 0.5)), Attr("height", RowHeight - 6),
            new XAttribute("fill", fill), new XElement(Svg + "title", title));
    }

    private static XElement Label(double x, double y, string text, string size = "11") =>
        new(Svg + "text", Attr("x", x), Attr("y", y), new XAttribute("font-size", size), text);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static double X(TimeSpan end, TimeSpan at) => Left + (Width * Math.Clamp(at.Ticks / (double)end.Ticks, 0, 1));

    private static XAttribute Attr(string name, double value) => new(name, Number(value));

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
