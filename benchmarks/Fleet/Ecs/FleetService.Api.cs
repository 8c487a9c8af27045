namespace TaskProtection.Fleet.Ecs;

/// <summary>What the simulated ECS API answers from: the service's revisions and tasks.</summary>
public sealed partial class FleetService : IServiceView
{
    private readonly List<TimeSpan> _deployedAt = [TimeSpan.Zero];
    private readonly Dictionary<string, SimTask> _byArn = new(StringComparer.Ordinal);
    private Dictionary<int, (int Live, int Running)> _counts = [];
    private TimeSpan _countedAt = TimeSpan.FromSeconds(-1);

    int IServiceView.Revision => _revision;

    TimeSpan IServiceView.DeployedAt(int revision) => _deployedAt[revision];

    SimTask? IServiceView.Task(string arn) => _byArn.GetValueOrDefault(arn);

    IReadOnlyDictionary<int, (int Live, int Running)> IServiceView.CountsByRevision()
    {
        // A thousand tasks asking within the same second see the same counts; recounting for each would be quadratic.
        if (Now - _countedAt >= TimeSpan.FromSeconds(1))
        {
            _counts = [];
            foreach (SimTask task in _tasks)
            {
                (int live, int running) = _counts.GetValueOrDefault(task.Revision);
                _counts[task.Revision] = (live + 1, running + (task.State == TaskState.Running ? 1 : 0));
            }

            _countedAt = Now;
        }

        return _counts;
    }
}
