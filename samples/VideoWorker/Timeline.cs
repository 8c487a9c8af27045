using System.Diagnostics;
using System.Globalization;

namespace VideoWorker;

/// <summary>
/// The live timeline: one line per event, with the time since start. The first line gives the UTC start, so a reader
/// (or a test) can turn the offsets into absolute times.
/// </summary>
public sealed class Timeline
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private readonly TextWriter _output;

    public Timeline(TextWriter output)
    {
        _output = output;
        StartedAt = DateTimeOffset.UtcNow;
    }

    public DateTimeOffset StartedAt { get; }

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Write(string text)
    {
        string line = string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,8:0.000}s] {text}");
        lock (_gate)
        {
            _output.WriteLine(line);
            _output.Flush();
        }
    }
}
