namespace TaskProtection.Fleet.Ecs;

/// <summary>
/// One simulated service and its day. Every figure docs/fleet.md reports comes from these settings and the seed; the
/// defaults are the 1,000-task day.
/// </summary>
public sealed record FleetConfig
{
    /// <summary>Auto scaling's maximum: the service's size at the day's peak. Default 1,000.</summary>
    public int MaxTasks { get; init; } = 1000;

    /// <summary>Auto scaling's minimum. Default 1 % of <see cref="MaxTasks"/>, at least 2.</summary>
    public int MinTasks { get; init; }

    /// <summary>Jobs one task runs at once (its workers, sharing one protection). Default 2.</summary>
    public int WorkersPerTask { get; init; } = 2;

    /// <summary>The simulated span. Default 24 h.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Share of all workers busy at the day's peak, had the service its maximum size. Default 0.85.</summary>
    public double PeakLoad { get; init; } = 0.85;

    /// <summary>Shortest and longest job: lengths are log-uniform in between (mean about 10 min). Default 10 s to 1 h.</summary>
    public TimeSpan ShortestJob { get; init; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc cref="ShortestJob"/>
    public TimeSpan LongestJob { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Target tracking's target: jobs queued or running per task. Default 1.6 (80 % of two workers).</summary>
    public double TargetBacklogPerTask { get; init; } = 1.6;

    /// <summary>How long the backlog must stay below target before scaling in (CloudWatch's 15 datapoints). Default 15 min.</summary>
    public TimeSpan ScaleInAfter { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How often ECS's scheduler stops excess or replaced tasks that are not protected. Default 30 s.</summary>
    public TimeSpan SchedulerInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>From launch to a task taking work (image pull, start-up). Default 60 s.</summary>
    public TimeSpan TaskStartup { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>ECS's stopTimeout: from SIGTERM to SIGKILL. Default 30 s (ECS's default).</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A rolling deployment (new revision, maximumPercent 200) every this often; zero for none. Default 4 h.</summary>
    public TimeSpan DeploymentEvery { get; init; } = TimeSpan.FromHours(4);

    /// <summary>First deployment. Default 02:00.</summary>
    public TimeSpan FirstDeployment { get; init; } = TimeSpan.FromHours(2);

    /// <summary>The account's UpdateTaskProtection rate (calls per second, token bucket). Not published: swept. Default 20.</summary>
    public double AccountRatePerSecond { get; init; } = 20;

    /// <summary>The account's bucket size. Default 2 × <see cref="AccountRatePerSecond"/>, at least 1.</summary>
    public double AccountBurst { get; init; }

    /// <summary>
    /// The account's rate for the deployment check's calls (<c>DescribeServices</c> and <c>DescribeTasks</c>, one token
    /// bucket). Not published either; a conservative guess, swept. Default 20.
    /// </summary>
    public double DescribeRatePerSecond { get; init; } = 20;

    /// <summary>That bucket's size. Default 50 (2.5 × the default rate), at least 1.</summary>
    public double DescribeBurst { get; init; }

    /// <summary>The agent's own limiter per task (ECS_TASK_METADATA_RPS_LIMIT 40,60).</summary>
    public double AgentRatePerSecond { get; init; } = 40;

    /// <inheritdoc cref="AgentRatePerSecond"/>
    public double AgentBurst { get; init; } = 60;

    /// <summary>One way of an agent call, uniform in [min, max]. Default 20 to 150 ms.</summary>
    public TimeSpan LatencyMin { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <inheritdoc cref="LatencyMin"/>
    public TimeSpan LatencyMax { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>A scale-out burst instead of a day: this many tasks launched at once into a full queue; 0 for a normal day.</summary>
    public int BurstTasks { get; init; }

    /// <summary>Seeds the arrivals, job lengths, latencies and ECS's choices. Default 1.</summary>
    public int Seed { get; init; } = 1;

    public int EffectiveMinTasks => MinTasks > 0 ? MinTasks : Math.Max(2, MaxTasks / 100);

    public double EffectiveAccountBurst => AccountBurst > 0 ? AccountBurst : Math.Max(1, 2 * AccountRatePerSecond);

    public double EffectiveDescribeBurst => DescribeBurst > 0 ? DescribeBurst : Math.Max(1, 2.5 * DescribeRatePerSecond);

    /// <summary>The mean of the log-uniform job length.</summary>
    public TimeSpan MeanJob => TimeSpan.FromSeconds(
        (LongestJob.TotalSeconds - ShortestJob.TotalSeconds) / Math.Log(LongestJob.TotalSeconds / ShortestJob.TotalSeconds));

    /// <summary>Throws with the setting to fix when the configuration cannot be simulated.</summary>
    public void Validate()
    {
        Require(MaxTasks is >= 1 and <= 100_000, $"MaxTasks must be 1 to 100,000, not {MaxTasks}.");
        Require(EffectiveMinTasks <= MaxTasks, $"MinTasks ({EffectiveMinTasks}) must not exceed MaxTasks ({MaxTasks}).");
        Require(WorkersPerTask is >= 1 and <= 64, $"WorkersPerTask must be 1 to 64, not {WorkersPerTask}.");
        Require(Duration > TimeSpan.Zero && Duration <= TimeSpan.FromDays(7), $"Duration must be more than 0 and at most 7 days, not {Duration}.");
        Require(PeakLoad is > 0 and <= 1, $"PeakLoad must be in (0, 1], not {PeakLoad}.");
        Require(ShortestJob > TimeSpan.Zero && LongestJob > ShortestJob, "ShortestJob must be more than 0 and less than LongestJob.");
        Require(AccountRatePerSecond > 0, $"AccountRatePerSecond must be more than 0, not {AccountRatePerSecond}.");
        Require(DescribeRatePerSecond > 0, $"DescribeRatePerSecond must be more than 0, not {DescribeRatePerSecond}.");
        Require(StopTimeout >= TimeSpan.FromSeconds(1), "StopTimeout must be at least 1 s.");
        Require(LatencyMin >= TimeSpan.Zero && LatencyMax >= LatencyMin, "LatencyMin must be at least 0 and at most LatencyMax.");
        Require(BurstTasks >= 0 && BurstTasks <= MaxTasks, $"BurstTasks must be 0 to MaxTasks ({MaxTasks}), not {BurstTasks}.");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
