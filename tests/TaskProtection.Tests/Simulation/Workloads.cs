namespace TaskProtection.Tests.Simulation;

/// <summary>A named day of work: the critical sessions a worker runs.</summary>
public sealed record Workload(string Name, IReadOnlyList<SimSession> Sessions);

/// <summary>
/// The days of work the agent-call efficiency report simulates. Seeded, so every run (and docs/performance.md) sees the
/// same sessions; times are whole milliseconds.
/// </summary>
public static class Workloads
{
    public static readonly TimeSpan Day = TimeSpan.FromHours(24);

    /// <summary>Mean job length of the Poisson workloads.</summary>
    public static readonly TimeSpan MeanJob = TimeSpan.FromMinutes(3);

    public static IReadOnlyList<Workload> All { get; } =
    [
        Continuous(),
        Poisson(0.1),
        Poisson(0.5),
        Poisson(2.0),
        Bursts(),
    ];

    /// <summary>
    /// One worker taking job after job, no pause, from a minute after it starts until the day ends: jobs of 1 to 10 min,
    /// each starting as the last ends. (Starting at 0 would end the work on a renewal's due instant, a tie of no interest.)
    /// </summary>
    public static Workload Continuous(int seed = 1)
    {
        var random = new Random(seed);
        var sessions = new List<SimSession>();
        TimeSpan at = TimeSpan.FromMinutes(1);
        while (at < Day)
        {
            TimeSpan length = Min(Milliseconds(random.Next(60_000, 600_001)), Day - at);
            sessions.Add(new SimSession(at, length));
            at += length;
        }

        return new Workload("(a) continuous, back to back", sessions);
    }

    /// <summary>
    /// Jobs arriving at random (Poisson) with exponential lengths of mean <see cref="MeanJob"/>, run concurrently: the
    /// offered load is the mean number of jobs in progress.
    /// </summary>
    public static Workload Poisson(double load, int seed = 2)
    {
        var random = new Random(seed);
        double perMillisecond = load / MeanJob.TotalMilliseconds;
        var sessions = new List<SimSession>();
        for (TimeSpan at = Milliseconds(Exponential(random, 1 / perMillisecond)); at < Day; at += Milliseconds(Exponential(random, 1 / perMillisecond)))
        {
            sessions.Add(new SimSession(at, Milliseconds(Math.Max(1000, Exponential(random, MeanJob.TotalMilliseconds)))));
        }

        double perHour = load / MeanJob.TotalHours;
        return new Workload($"(b) Poisson, load {load:0.0} ({perHour:0} jobs/h)", sessions);
    }

    /// <summary>Every 2 h, 40 jobs arrive within 2 min and run concurrently for 30 s to 8 min each; idle in between.</summary>
    public static Workload Bursts(int seed = 3)
    {
        var random = new Random(seed);
        var sessions = new List<SimSession>();
        for (TimeSpan burst = TimeSpan.FromMinutes(17); burst < Day; burst += TimeSpan.FromHours(2))
        {
            for (int i = 0; i < 40; i++)
            {
                sessions.Add(new SimSession(burst + Milliseconds(random.Next(0, 120_001)), Milliseconds(random.Next(30_000, 480_001))));
            }
        }

        sessions.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        return new Workload("(c) bursts: 40 jobs every 2 h", sessions);
    }

    private static double Exponential(Random random, double mean) => -Math.Log(1 - random.NextDouble()) * mean;

    private static TimeSpan Milliseconds(double value) => TimeSpan.FromMilliseconds(Math.Round(value));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
