using System.Globalization;
using System.Net;
using System.Text;

namespace TaskProtection.Fleet.Report;

/// <summary>One line of a chart: a name for the legend and its points.</summary>
public sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points);

/// <summary>
/// Small, dependency-free SVG charts for docs/fleet.md: lines (with a step option) and horizontal bars. The output is
/// deterministic for the same input, so regenerating the report changes a picture only when its figures changed.
/// </summary>
public static class SvgChart
{
    private const int Width = 760;
    private const int Height = 360;
    private const int Left = 70;
    private const int Right = 190;
    private const int Top = 40;
    private const int Bottom = 50;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

    public static string Lines(string title, string xLabel, string yLabel, IReadOnlyList<Series> series, double? xMax = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        double maxX = xMax ?? series.SelectMany(static s => s.Points).Select(static p => p.X).DefaultIfEmpty(1).Max();
        double maxY = NiceCeiling(series.SelectMany(static s => s.Points).Select(static p => p.Y).DefaultIfEmpty(1).Max());
        var svg = Begin(title);
        Axes(svg, xLabel, yLabel, maxX, maxY);
        for (int i = 0; i < series.Count; i++)
        {
            string points = string.Join(" ", series[i].Points.Select(p => $"{Fmt(X(p.X, maxX))},{Fmt(Y(p.Y, maxY))}"));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{Colors[i % Colors.Length]}\" stroke-width=\"1.6\" points=\"{points}\"/>\n");
            Legend(svg, i, series[i].Name);
        }

        return End(svg);
    }

    public static string Bars(string title, string valueLabel, IReadOnlyList<(string Label, double Value)> bars)
    {
        ArgumentNullException.ThrowIfNull(bars);
        double max = NiceCeiling(bars.Select(static b => b.Value).DefaultIfEmpty(1).Max());
        var svg = Begin(title);
        const int labelWidth = 250;
        int plotWidth = Width - labelWidth - 60;
        int rowHeight = (Height - Top - Bottom) / Math.Max(1, bars.Count);
        for (int i = 0; i < bars.Count; i++)
        {
            int y = Top + i * rowHeight;
            double length = max == 0 ? 0 : plotWidth * bars[i].Value / max;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth - 8}\" y=\"{y + rowHeight / 2 + 4}\" text-anchor=\"end\">{Escape(bars[i].Label)}</text>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{labelWidth}\" y=\"{y + 4}\" width=\"{Fmt(Math.Max(length, 0.5))}\" height=\"{rowHeight - 8}\" fill=\"{Colors[i % Colors.Length]}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Fmt(labelWidth + length + 6)}\" y=\"{y + rowHeight / 2 + 4}\">{Fmt(bars[i].Value)}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth + plotWidth / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">{Escape(valueLabel)}</text>\n");
        return End(svg);
    }

    private static StringBuilder Begin(string title)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{Escape(title)}</text>\n");
        return svg;
    }

    private static string End(StringBuilder svg) => svg.Append("</svg>\n").ToString();

    private static void Axes(StringBuilder svg, string xLabel, string yLabel, double maxX, double maxY)
    {
        int x0 = Left;
        int y0 = Height - Bottom;
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" y1=\"{y0}\" x2=\"{Width - Right}\" y2=\"{y0}\" stroke=\"black\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" y1=\"{Top}\" x2=\"{x0}\" y2=\"{y0}\" stroke=\"black\"/>\n");
        for (int i = 0; i <= 4; i++)
        {
            double yValue = maxY * i / 4;
            double xValue = maxX * i / 4;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0 - 4}\" y1=\"{Fmt(Y(yValue, maxY))}\" x2=\"{Width - Right}\" y2=\"{Fmt(Y(yValue, maxY))}\" stroke=\"#ddd\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 - 8}\" y=\"{Fmt(Y(yValue, maxY) + 4)}\" text-anchor=\"end\">{Fmt(yValue)}</text>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Fmt(X(xValue, maxX))}\" y=\"{y0 + 16}\" text-anchor=\"middle\">{Fmt(xValue)}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(x0 + Width - Right) / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">{Escape(xLabel)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(16,{(Top + y0) / 2}) rotate(-90)\" text-anchor=\"middle\">{Escape(yLabel)}</text>\n");
    }

    private static void Legend(StringBuilder svg, int index, string name)
    {
        int y = Top + 10 + index * 20;
        int x = Width - Right + 14;
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x}\" y1=\"{y}\" x2=\"{x + 18}\" y2=\"{y}\" stroke=\"{Colors[index % Colors.Length]}\" stroke-width=\"3\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 24}\" y=\"{y + 4}\">{Escape(name)}</text>\n");
    }

    private static double X(double value, double max) => Left + (Width - Left - Right) * (max == 0 ? 0 : value / max);

    private static double Y(double value, double max) => Height - Bottom - (Height - Top - Bottom) * (max == 0 ? 0 : value / max);

    /// <summary>1, 2 or 5 times a power of ten, at least <paramref name="value"/>.</summary>
    private static double NiceCeiling(double value)
    {
        if (value <= 0)
        {
            return 1;
        }

        double power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (double step in new[] { 1, 2, 5, 10 })
        {
            if (step * power >= value)
            {
                return step * power;
            }
        }

        return 10 * power;
    }

    private static string Fmt(double value) => value.ToString(value >= 100 || value == Math.Floor(value) ? "0" : "0.##", CultureInfo.InvariantCulture);

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
