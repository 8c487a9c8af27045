namespace VideoWorker;

/// <summary>When a job's body ran, as wall-clock times, so the summary can compare it with the agent's protection record.</summary>
public sealed record JobInterval(int Number, DateTimeOffset Start, DateTimeOffset End);

/// <summary>What the run did, for the summary.</summary>
public sealed class RunStatistics
{
    private readonly Lock _gate = new();
    private readonly List<JobInterval> _completed = [];
    private readonly List<(DateTimeOffset From, DateTimeOffset? To)> _protection = [];

    public IReadOnlyList<JobInterval> CompletedJobs
    {
        get
        {
            lock (_gate)
            {
                return [.. _completed];
            }
        }
    }

    /// <summary>Seconds protected as this process saw it (acquired to released), for runs against a real agent.</summary>
    public TimeSpan ProtectedTime(DateTimeOffset now)
    {
        lock (_gate)
        {
            return _protection.Aggregate(TimeSpan.Zero, (sum, p) => sum + ((p.To ?? now) - p.From));
        }
    }

    public void ProtectionAcquired(DateTimeOffset at)
    {
        lock (_gate)
        {
            _protection.Add((at, null));
        }
    }

    public void ProtectionReleased(DateTimeOffset at)
    {
        lock (_gate)
        {
            if (_protection.Count > 0 && _protection[^1].To is null)
            {
                _protection[^1] = (_protection[^1].From, at);
            }
        }
    }

    public void Completed(JobInterval job)
    {
        lock (_gate)
        {
            _completed.Add(job);
        }
    }
}
