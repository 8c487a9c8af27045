namespace TaskProtection.Fleet.Report;

/// <summary>What one simulated day of one design showed. Hours are task-hours or job-hours as named.</summary>
public sealed record FleetResult
{
    public required string Design { get; init; }

    public int JobsArrived { get; init; }

    public int JobsCompleted { get; init; }

    /// <summary>Runs of a job body killed mid-run (SIGKILL, or a task stopped with it): the headline.</summary>
    public int RunsKilled { get; init; }

    /// <summary>Of those, runs whose application had not been told protection was lost.</summary>
    public int RunsKilledUntold { get; init; }

    /// <summary>Job-hours thrown away by those kills.</summary>
    public double WorkLostHours { get; init; }

    /// <summary>Runs refused before their body started (the job went back to the queue).</summary>
    public int RunsRefused { get; init; }

    /// <summary>Runs whose body was told protection was lost (ProtectionLost, ProtectionLostToken).</summary>
    public int RunsTold { get; init; }

    /// <summary>How often the application was told, by <see cref="ProtectionLossReason"/>.</summary>
    public IReadOnlyDictionary<string, int> ToldReasons { get; init; } = new Dictionary<string, int>();

    /// <summary>Runs that ran while ECS held no protection for their task and the application had not been told.</summary>
    public int InvariantViolations { get; init; }

    /// <summary>Job-hours run in such stretches.</summary>
    public double UnprotectedUntoldHours { get; init; }

    public double TaskHours { get; init; }

    /// <summary>Task-hours protected while no job ran on the task (the cost of holding protection beyond need).</summary>
    public double ProtectedIdleTaskHours { get; init; }

    /// <summary>Task-hours ECS wanted to scale in but could not because the tasks were protected.</summary>
    public double ScaleInBlockedTaskHours { get; init; }

    public int TasksLaunched { get; init; }

    public int TasksStopped { get; init; }

    public IReadOnlyList<DeploymentRecord> Deployments { get; init; } = [];

    public int DeploymentBlockedAnswers { get; init; }

    public int AgentCalls { get; init; }

    public int ThrottledCalls { get; init; }

    public int AgentLimiterRefusals { get; init; }

    /// <summary>
    /// The single-task lower bound summed over tasks: each busy period (periods closer than 5 s joined) needs ⌈L / 5 min⌉
    /// enabling calls and one release.
    /// </summary>
    public int LowerBoundCalls { get; init; }

    /// <summary>From a worker taking a job to its body starting (or being refused), seconds, for every admission.</summary>
    public IReadOnlyList<double> AdmissionWaits { get; init; } = [];

    /// <summary>Bodies that started only after AcquireTimeout (30 s by default) without confirmed protection.</summary>
    public int StartedPastAcquireTimeout { get; init; }

    public double MeanQueueWaitSeconds { get; init; }

    public IReadOnlyList<TimelinePoint> Timeline { get; init; } = [];

    public TimeSpan WallTime { get; init; }

    public long Steps { get; init; }

    /// <summary>The deployment check's calls (DescribeServices, DescribeTasks) to the simulated ECS API, throttled or not.</summary>
    public int DescribeCalls { get; init; }

    public int DescribeThrottled { get; init; }

    /// <summary>The simulated span.</summary>
    public TimeSpan Simulated { get; init; }

    /// <summary>The deployment check's calls per second in the busiest simulated minute.</summary>
    public double DescribePeakPerSecond { get; init; }

    public double DescribeCallsPerTaskHour => TaskHours == 0 ? 0 : DescribeCalls / TaskHours;

    public double CallsPerTaskHour => TaskHours == 0 ? 0 : AgentCalls / TaskHours;

    public double LowerBoundPerTaskHour => TaskHours == 0 ? 0 : LowerBoundCalls / TaskHours;
}

/// <summary>
/// One rolling deployment: when it started, how long until no task of an older revision was left, and what the longest
/// job running when it started still needed then (the least it can take without killing work).
/// </summary>
public readonly record struct DeploymentRecord(TimeSpan Start, TimeSpan? Duration, TimeSpan LongestJobLeft = default);

/// <summary>The service every 5 simulated minutes.</summary>
public readonly record struct TimelinePoint(TimeSpan At, int Desired, int Live, int Protected, int Queued, int Busy);
