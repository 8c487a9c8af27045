using TaskProtection.Tests.Infrastructure;
using TaskProtection.Tests.Simulation;
using Xunit.Abstractions;

namespace TaskProtection.Tests.Coordination;

/// <summary>
/// Agent calls over a simulated day of work: N coordinated processes against the single-process lower bound (one
/// process running all of the task's sessions makes the fewest calls that keep that busy time protected), and against
/// N uncoordinated processes for contrast. ECS throttles UpdateTaskProtection per account, so calls are a cost.
/// </summary>
public sealed class CoordinatedCallCountTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task Coordinated_processes_stay_near_the_single_process_call_count_over_a_day(int processes)
    {
        List<TellingSession>[] work = Workload(processes, seed: 20261129 + processes);

        (int bound, int boundReleases) = await SingleProcessCallsAsync([.. work.SelectMany(static w => w)]);
        (int coordinated, int releases, TimeSpan coordinatedGaps) = await TaskCallsAsync(work, coordinated: true);
        (int alone, _, TimeSpan aloneGaps) = await TaskCallsAsync(work, coordinated: false);

        double factor = (double)coordinated / bound;
        output.WriteLine(
            $"{processes} processes, {work.Sum(static w => w.Count)} sessions over a day: single-process bound {bound} calls ({boundReleases} releases); " +
            $"coordinated {coordinated} ({factor:F2}x, {releases} releases), unprotected while a session ran {coordinatedGaps}; " +
            $"uncoordinated {alone} ({(double)alone / bound:F2}x), unprotected while a session ran {aloneGaps}.");
        Assert.Equal(TimeSpan.Zero, coordinatedGaps);
        Assert.True(factor <= 1.25, $"{coordinated} calls for {processes} coordinated processes, {factor:F2} times the single-process {bound}.");
        Assert.True(alone > coordinated, "Uncoordinated processes should each make their own calls: the comparison shows nothing.");
    }

    /// <summary>Each process runs jobs of 1 to 40 minutes, one after another with idle gaps of 0 to 30 minutes.</summary>
    private static List<TellingSession>[] Workload(int processes, int seed)
    {
        var random = new Random(seed);
        var work = new List<TellingSession>[processes];
        for (int p = 0; p < processes; p++)
        {
            work[p] = [];
            TimeSpan at = TimeSpan.FromMinutes(random.Next(0, 30));
            while (at < Day)
            {
                TimeSpan length = TimeSpan.FromSeconds(random.Next(60, 2_400));
                work[p].Add(new TellingSession(at, length, EntryKind.Async));
                at += length + TimeSpan.FromSeconds(random.Next(0, 1_800));
            }
        }

        return work;
    }

    private static async Task<(int Calls, int Releases)> SingleProcessCallsAsync(List<TellingSession> sessions)
    {
        await using var process = new Harness();
        Drive([process], [sessions]);
        return (process.Model.Calls.Count, process.Puts(enabled: false).Count);
    }

    private static async Task<(int Calls, int Releases, TimeSpan Unprotected)> TaskCallsAsync(List<TellingSession>[] work, bool coordinated)
    {
        using var directory = new TaskDirectory();
        var processes = new List<Harness>();
        for (int p = 0; p < work.Length; p++)
        {
            var options = new TaskProtectionOptions();
            processes.Add(new Harness(
                options,
                sameTask: processes.Count > 0 ? processes[0] : null,
                coordination: coordinated ? clock => directory.Join(clock, GapBudget.MayLandWithin(options)) : null));
        }

        List<(int Process, SessionRun Run)> runs = Drive(processes, work);
        DateTimeOffset start = processes[0].Start;
        IReadOnlyList<Testing.UnprotectedInterval> gaps = processes[0].Model.UnprotectedIntervals(start);
        TimeSpan unprotected = TimeSpan.Zero;
        foreach ((_, SessionRun run) in runs)
        {
            if (run is { ReturnedAt: { } from, EndedAt: { } to })
            {
                foreach (Testing.UnprotectedInterval gap in gaps.Where(g => g.From < to && g.To > from))
                {
                    unprotected += (gap.To < to ? gap.To : to) - (gap.From > from ? gap.From : from);
                }
            }
        }

        int calls = processes[0].Model.Calls.Count;
        int releases = processes[0].Puts(enabled: false).Count;
        foreach (Harness process in processes)
        {
            await process.DisposeAsync();
        }

        return (calls, releases, unprotected);
    }

    private static List<(int Process, SessionRun Run)> Drive(List<Harness> processes, List<TellingSession>[] work)
    {
        var events = new List<(TimeSpan At, int Order, Action Act)>();
        var runs = new List<(int, SessionRun)>();
        for (int p = 0; p < processes.Count; p++)
        {
            Harness process = processes[p];
            foreach (TellingSession session in work[p])
            {
                var run = new SessionRun(session.Entry);
                runs.Add((p, run));
                events.Add((session.Start, 1, () => run.Enter(process, "job")));
                events.Add((session.Start + session.Length, 0, () => run.Exit(process)));
            }
        }

        foreach ((TimeSpan at, _, Action act) in events.OrderBy(static e => e.At).ThenBy(static e => e.Order))
        {
            processes[0].AdvanceTo(at);
            act();
            processes[0].Pump();
        }

        processes[0].AdvanceTo(Day + TimeSpan.FromHours(1));
        return runs;
    }
}
