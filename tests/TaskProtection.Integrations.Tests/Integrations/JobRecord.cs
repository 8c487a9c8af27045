namespace TaskProtection.Tests.Integrations;

/// <summary>What the jobs of a test saw: when each body ran, and a gate that holds them until the test lets go.</summary>
public sealed class JobRecord(CriticalSessionRegistry registry)
{
    private readonly Lock _lock = new();
    private readonly List<(string Job, DateTimeOffset From, DateTimeOffset To, int ActiveSessions)> _runs = [];

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _started;

    public int Started => Volatile.Read(ref _started);

    public IReadOnlyList<(string Job, DateTimeOffset From, DateTimeOffset To, int ActiveSessions)> Runs
    {
        get
        {
            lock (_lock)
            {
                return [.. _runs];
            }
        }
    }

    public async Task RunAsync(string job, CancellationToken cancellationToken, bool fail = false)
    {
        DateTimeOffset from = DateTimeOffset.UtcNow;
        int active = registry.ActiveCount;
        Interlocked.Increment(ref _started);
        try
        {
            await Release.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            if (fail)
            {
                throw new InvalidOperationException("the job failed");
            }
        }
        finally
        {
            lock (_lock)
            {
                _runs.Add((job, from, DateTimeOffset.UtcNow, active));
            }
        }
    }
}
