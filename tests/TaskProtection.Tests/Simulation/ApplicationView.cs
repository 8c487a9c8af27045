using System.Globalization;
using System.Text;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Simulation;

/// <summary>
/// What the application sees of a manager, sampled after every step of a simulation at the step's instant: whether
/// ProtectionLostToken is cancelled, until when sessions entering are covered, and when ProtectionLost was raised.
/// </summary>
internal sealed class ApplicationView
{
    private readonly Harness _h;
    private readonly List<(DateTimeOffset At, bool Told)> _told = [];
    private readonly List<(DateTimeOffset At, DateTimeOffset CoveredUntil)> _coverage = [];
    private readonly List<DateTimeOffset> _events = [];

    public ApplicationView(Harness h)
    {
        _h = h;
        _told.Add((h.Clock.GetUtcNow(), false));
        h.Scheduler.Idle += Observe;
        Observe();
    }

    public int Signals => _told.Count(t => t.Told);

    public int Restores => _told.Skip(1).Count(t => !t.Told);

    public void OnProtectionLost() => _events.Add(_h.Clock.GetUtcNow());

    /// <summary>Whether the application was told at <paramref name="from"/> (or before) and stayed told until <paramref name="to"/>.</summary>
    public bool ToldThroughout(DateTimeOffset from, DateTimeOffset to)
    {
        int last = _told.FindLastIndex(t => t.At <= from);
        if (last < 0 || !_told[last].Told)
        {
            return false;
        }

        return !_told.Skip(last + 1).Any(t => t.At < to && !t.Told);
    }

    /// <summary>The first moment at or after <paramref name="at"/> at which a session entering would have been covered.</summary>
    public DateTimeOffset? FirstCoveredAtOrAfter(DateTimeOffset at)
    {
        int last = _coverage.FindLastIndex(c => c.At <= at);
        if (last >= 0 && at < _coverage[last].CoveredUntil)
        {
            return at;
        }

        foreach ((DateTimeOffset sampled, DateTimeOffset until) in _coverage.Skip(last + 1))
        {
            if (sampled < until)
            {
                return sampled;
            }
        }

        return null;
    }

    /// <summary>Each time the token was cancelled, ProtectionLost must have been raised at that instant too.</summary>
    public IEnumerable<string> SignalsWithoutEvent(DateTimeOffset start) =>
        _told.Where(t => t.Told && !_events.Contains(t.At))
            .Select(t => $"ProtectionLostToken was cancelled at {t.At - start} without a ProtectionLost event at that moment");

    public string Describe(DateTimeOffset start)
    {
        var text = new StringBuilder();
        foreach ((DateTimeOffset at, bool told) in _told)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(told ? "+" : "-")}{at - start} ");
        }

        return text.ToString();
    }

    private void Observe()
    {
        DateTimeOffset now = _h.Clock.GetUtcNow();
        bool told = _h.Manager.ProtectionLostToken.IsCancellationRequested;
        if (told != _told[^1].Told)
        {
            _told.Add((now, told));
        }

        long until = _h.Manager.CoverageUntil;
        DateTimeOffset coveredUntil = until == long.MinValue
            ? DateTimeOffset.MinValue
            : now + _h.Clock.GetElapsedTime(_h.Clock.GetTimestamp(), until);
        if (_coverage.Count == 0 || _coverage[^1].CoveredUntil != coveredUntil)
        {
            _coverage.Add((now, coveredUntil));
        }
    }
}
