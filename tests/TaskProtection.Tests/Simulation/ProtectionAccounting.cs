namespace TaskProtection.Tests.Simulation;

/// <summary>How one protection design did on one workload.</summary>
/// <param name="AgentCalls">Every call made to the agent (enable, renew, release).</param>
/// <param name="LowerBound">The fewest calls a design with the same release rule could make: see <see cref="ProtectionAccounting.LowerBound"/>.</param>
/// <param name="OverProtected">Time the agent held the task protected while no session was active.</param>
/// <param name="OverProtectionFloor">The most over-protection the release rule allows: see <see cref="ProtectionAccounting.OverProtectionFloor"/>.</param>
/// <param name="UnprotectedWork">Time a session was active while the task was not protected: work ECS could have stopped.</param>
public sealed record EfficiencyFigures(int AgentCalls, int LowerBound, TimeSpan OverProtected, TimeSpan OverProtectionFloor, TimeSpan UnprotectedWork);

/// <summary>Interval arithmetic that turns sessions and the agent's unprotected stretches into <see cref="EfficiencyFigures"/>.</summary>
public static class ProtectionAccounting
{
    /// <summary>The figures of a design that renews by <paramref name="extension"/> and releases within <paramref name="releaseWithin"/> of idle.</summary>
    public static EfficiencyFigures Measure(IReadOnlyList<SimSession> sessions, int agentCalls, IReadOnlyList<Stretch> unprotected, TimeSpan extension, TimeSpan releaseWithin)
    {
        IReadOnlyList<Stretch> busy = BusyPeriods(sessions);
        TimeSpan horizon = busy[^1].To + TimeSpan.FromHours(1);
        IReadOnlyList<Stretch> protectedSpans = Complement(unprotected, horizon);
        TimeSpan protectedTime = Total(protectedSpans);
        TimeSpan protectedWork = Total(Intersect(protectedSpans, busy));
        return new EfficiencyFigures(
            agentCalls,
            LowerBound(busy, extension, releaseWithin),
            protectedTime - protectedWork,
            OverProtectionFloor(busy, releaseWithin),
            Total(busy) - protectedWork);
    }

    /// <summary>The union of the sessions: the stretches in which at least one is active, in order.</summary>
    public static IReadOnlyList<Stretch> BusyPeriods(IReadOnlyList<SimSession> sessions)
    {
        if (sessions.Count == 0)
        {
            throw new ArgumentException("A workload needs at least one session.", nameof(sessions));
        }

        var result = new List<Stretch>();
        foreach (SimSession session in sessions.OrderBy(static s => s.Start))
        {
            TimeSpan end = session.Start + session.Length;
            if (result.Count > 0 && session.Start <= result[^1].To)
            {
                result[^1] = result[^1] with { To = Max(result[^1].To, end) };
            }
            else
            {
                result.Add(new Stretch(session.Start, end));
            }
        }

        return result;
    }

    /// <summary>
    /// The fewest agent calls with which any design, even one that knows the future, can protect every busy instant
    /// under the same rules: each call may add at most <paramref name="extension"/> of cover (the lease beyond it is the
    /// safety buffer that makes renewals gap-free), and protection ends within <paramref name="releaseDelay"/> of the
    /// work ending. Busy periods closer than that are one period; each period of length L needs ceil(L / extension)
    /// enabling calls and one release.
    /// </summary>
    public static int LowerBound(IReadOnlyList<Stretch> busy, TimeSpan extension, TimeSpan releaseDelay)
    {
        int calls = 0;
        foreach (Stretch period in Join(busy, releaseDelay))
        {
            calls += (int)Math.Ceiling(period.Length / extension) + 1;
        }

        return calls;
    }

    /// <summary>
    /// Over-protection that releasing exactly <paramref name="releaseDelay"/> after the last session ends costs (and the
    /// most that releasing within it can cost): each idle gap is protected for its first <paramref name="releaseDelay"/>
    /// (all of it if shorter), and so is the end of the day.
    /// </summary>
    public static TimeSpan OverProtectionFloor(IReadOnlyList<Stretch> busy, TimeSpan releaseDelay)
    {
        TimeSpan total = releaseDelay;
        for (int i = 1; i < busy.Count; i++)
        {
            TimeSpan gap = busy[i].From - busy[i - 1].To;
            total += gap < releaseDelay ? gap : releaseDelay;
        }

        return total;
    }

    /// <summary>The protected stretches in [0, <paramref name="horizon"/>): the complement of the unprotected ones.</summary>
    public static IReadOnlyList<Stretch> Complement(IReadOnlyList<Stretch> unprotected, TimeSpan horizon)
    {
        var result = new List<Stretch>();
        TimeSpan at = TimeSpan.Zero;
        foreach (Stretch gap in unprotected)
        {
            if (gap.From > at)
            {
                result.Add(new Stretch(at, Min(gap.From, horizon)));
            }

            if (gap.To >= horizon)
            {
                return result;
            }

            at = Max(at, gap.To);
        }

        if (at < horizon)
        {
            result.Add(new Stretch(at, horizon));
        }

        return result;
    }

    /// <summary>The intersection of two ordered lists of disjoint stretches.</summary>
    public static IReadOnlyList<Stretch> Intersect(IReadOnlyList<Stretch> a, IReadOnlyList<Stretch> b)
    {
        var result = new List<Stretch>();
        int i = 0, j = 0;
        while (i < a.Count && j < b.Count)
        {
            TimeSpan from = Max(a[i].From, b[j].From);
            TimeSpan to = Min(a[i].To, b[j].To);
            if (from < to)
            {
                result.Add(new Stretch(from, to));
            }

            if (a[i].To < b[j].To)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return result;
    }

    public static TimeSpan Total(IEnumerable<Stretch> spans) => spans.Aggregate(TimeSpan.Zero, static (sum, s) => sum + s.Length);

    private static List<Stretch> Join(IReadOnlyList<Stretch> busy, TimeSpan closerThan)
    {
        var result = new List<Stretch>();
        foreach (Stretch period in busy)
        {
            if (result.Count > 0 && period.From - result[^1].To < closerThan)
            {
                result[^1] = result[^1] with { To = period.To };
            }
            else
            {
                result.Add(period);
            }
        }

        return result;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
