using TaskProtection.Fleet.Ecs;
using TaskProtection.Testing;

namespace TaskProtection.Fleet.Report;

/// <summary>Collects a day's figures as tasks end; judges protection by ECS's record (each task's ProtectionModel).</summary>
internal sealed class FleetMetrics
{
    // The single-task lower bound's rules (docs/performance.md): each call adds at most the 5-min extension, and
    // protection is released within the 5-s release delay, so busy periods closer than that count as one.
    private static readonly TimeSpan Extension = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ReleaseWithin = TimeSpan.FromSeconds(5);

    public int JobsArrived { get; set; }

    public int JobsCompleted { get; set; }

    public int RunsKilled { get; set; }

    public int RunsKilledUntold { get; set; }

    public double WorkLostSeconds { get; set; }

    public int RunsRefused { get; set; }

    public int TasksLaunched { get; set; }

    public int TasksStopped { get; set; }

    public double ProtectedIdleSeconds { get; set; }

    public double ScaleInBlockedSeconds { get; set; }

    public double QueueWaitSeconds { get; set; }

    public int QueueWaits { get; set; }

    public List<double> AdmissionWaits { get; } = [];

    public int StartedPastAcquireTimeout { get; set; }

    public List<DeploymentRecord> Deployments { get; } = [];

    public List<TimelinePoint> Timeline { get; } = [];

    private int _runsTold;
    private int _violations;
    private double _untoldSeconds;
    private double _taskSeconds;
    private int _calls;
    private int _throttled;
    private int _limited;
    private int _blocked;
    private int _lowerBound;

    /// <summary>Counts a task that is gone (or still there at the end): its hours, its calls, and every run against ECS's record.</summary>
    public void FinishTask(SimTask task, TimeSpan end)
    {
        _taskSeconds += (end - task.LaunchedAt).TotalSeconds;
        foreach (AgentCall call in task.Model.Calls)
        {
            _calls++;
            _throttled += call.Fault == AgentFaultKind.Throttling ? 1 : 0;
            _limited += call.Fault == AgentFaultKind.TooManyRequests ? 1 : 0;
            _blocked += call.Fault == AgentFaultKind.DeploymentBlocked ? 1 : 0;
        }

        List<RunRecord> runs = task.Runs;
        runs.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        _runsTold += runs.Count(static r => r.ToldAt is not null);
        CheckInvariant(task, runs);
        _lowerBound += LowerBound(runs);
    }

    private void CheckInvariant(SimTask task, List<RunRecord> runs)
    {
        DateTimeOffset epoch = Engine.FleetClock.Epoch;
        IReadOnlyList<UnprotectedInterval> gaps = task.Model.UnprotectedIntervals(epoch + task.LaunchedAt);
        foreach (RunRecord run in runs)
        {
            // The body counts from its start until it ended or was told, whichever came first.
            TimeSpan until = run.ToldAt is { } told && told < run.End ? told : run.End;
            double overlap = 0;
            foreach (UnprotectedInterval gap in gaps)
            {
                TimeSpan from = Max(gap.From - epoch, run.Start);
                TimeSpan to = gap.To == DateTimeOffset.MaxValue ? until : Min(gap.To - epoch, until);
                if (from < to)
                {
                    overlap += (to - from).TotalSeconds;
                }
            }

            if (overlap > 0)
            {
                _violations++;
                _untoldSeconds += overlap;
            }
        }
    }

    private static int LowerBound(List<RunRecord> runs)
    {
        int calls = 0;
        int i = 0;
        while (i < runs.Count)
        {
            TimeSpan start = runs[i].Start;
            TimeSpan end = runs[i].End;
            for (i++; i < runs.Count && runs[i].Start <= end + ReleaseWithin; i++)
            {
                end = Max(end, runs[i].End);
            }

            calls += (int)Math.Ceiling((end - start) / Extension) + 1;
        }

        return calls;
    }

    public FleetResult ToResult(string design, TimeSpan wallTime, long steps) => new()
    {
        Design = design,
        JobsArrived = JobsArrived,
        JobsCompleted = JobsCompleted,
        RunsKilled = RunsKilled,
        RunsKilledUntold = RunsKilledUntold,
        WorkLostHours = WorkLostSeconds / 3600,
        RunsRefused = RunsRefused,
        RunsTold = _runsTold,
        InvariantViolations = _violations,
        UnprotectedUntoldHours = _untoldSeconds / 3600,
        TaskHours = _taskSeconds / 3600,
        ProtectedIdleTaskHours = ProtectedIdleSeconds / 3600,
        ScaleInBlockedTaskHours = ScaleInBlockedSeconds / 3600,
        TasksLaunched = TasksLaunched,
        TasksStopped = TasksStopped,
        Deployments = Deployments,
        DeploymentBlockedAnswers = _blocked,
        AgentCalls = _calls,
        ThrottledCalls = _throttled,
        AgentLimiterRefusals = _limited,
        LowerBoundCalls = _lowerBound,
        AdmissionWaits = AdmissionWaits,
        StartedPastAcquireTimeout = StartedPastAcquireTimeout,
        MeanQueueWaitSeconds = QueueWaits == 0 ? 0 : QueueWaitSeconds / QueueWaits,
        Timeline = Timeline,
        WallTime = wallTime,
        Steps = steps,
    };

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
