using TaskProtection.Fleet.Ecs;

namespace TaskProtection.Fleet.Work;

/// <summary>
/// The day's jobs: Poisson arrivals whose rate follows two daily peaks (10:00 and 19:00) over a night-time floor of 15 %,
/// and log-uniform lengths, so that the service grows from its minimum to near its maximum and back twice.
/// </summary>
public static class Arrivals
{
    /// <summary>The arrival rate's shape over the day, 0.15 to 1.</summary>
    public static double Shape(TimeSpan at)
    {
        double hour = at.TotalHours % 24;
        double morning = Math.Exp(-Math.Pow((hour - 10) / 2.5, 2) / 2);
        double evening = Math.Exp(-Math.Pow((hour - 19) / 2.0, 2) / 2);
        return 0.15 + 0.85 * Math.Max(morning, evening);
    }

    /// <summary>Every job of the configured span, in arrival order.</summary>
    public static IReadOnlyList<Job> Generate(FleetConfig config)
    {
        var random = new Random(config.Seed);
        double peakPerSecond = config.PeakLoad * config.MaxTasks * config.WorkersPerTask / config.MeanJob.TotalSeconds;
        var jobs = new List<Job>();
        double t = 0;
        double end = config.Duration.TotalSeconds;
        while (true)
        {
            // Thinning: candidates at the peak rate, each kept with probability shape(t).
            t += -Math.Log(1 - random.NextDouble()) / peakPerSecond;
            if (t >= end)
            {
                return jobs;
            }

            TimeSpan at = TimeSpan.FromSeconds(t);
            if (random.NextDouble() < Shape(at))
            {
                jobs.Add(new Job(jobs.Count, Length(config, random), at));
            }
        }
    }

    /// <summary>A log-uniform job length between the shortest and the longest, in whole milliseconds.</summary>
    public static TimeSpan Length(FleetConfig config, Random random)
    {
        double low = Math.Log(config.ShortestJob.TotalSeconds);
        double high = Math.Log(config.LongestJob.TotalSeconds);
        return TimeSpan.FromMilliseconds(Math.Round(Math.Exp(low + (high - low) * random.NextDouble()) * 1000));
    }
}
