using TaskProtection.Fleet.Report;

namespace TaskProtection.Fleet.Ecs;

/// <summary>ECS's decisions: target tracking on backlog per task, scale-in of unprotected tasks, rolling deployments.</summary>
public sealed partial class FleetService
{
    private readonly Queue<int> _neededHistory = new();
    private int _desired;
    private int _revision;
    private TimeSpan? _deploymentStart;
    private TimeSpan _deploymentLongestJobLeft;
    private int _protectedCount;
    private TimeSpan _protectedCountAt = TimeSpan.FromSeconds(-1);

    private int Needed(double backlog) =>
        Math.Clamp((int)Math.Ceiling(backlog / _config.TargetBacklogPerTask), _config.EffectiveMinTasks, _config.MaxTasks);

    /// <summary>
    /// Target tracking: scale out at once to what the backlog needs; scale in only after the backlog has needed fewer
    /// tasks for <see cref="FleetConfig.ScaleInAfter"/>, to the most it needed in that window.
    /// </summary>
    private void Autoscale()
    {
        int needed = Needed(_queue.Count + BusyWorkers());
        _neededHistory.Enqueue(needed);
        int window = Math.Max(1, (int)(_config.ScaleInAfter / TimeSpan.FromMinutes(1)));
        while (_neededHistory.Count > window)
        {
            _neededHistory.Dequeue();
        }

        if (needed > _desired)
        {
            _desired = needed;
        }
        else if (_neededHistory.Count == window && _neededHistory.Max() < _desired)
        {
            _desired = _neededHistory.Max();
        }

        int current = _tasks.Count(t => t.Revision == _revision && t.IsLive);
        for (int i = current; i < _desired; i++)
        {
            Launch(_config.TaskStartup);
        }
    }

    /// <summary>
    /// ECS's scheduler: replaces tasks of an older revision and stops tasks beyond the desired count, but only tasks its
    /// own record shows unprotected (the rule protection exists for), picked at random.
    /// </summary>
    private void SchedulerTick()
    {
        List<SimTask> old = [.. _tasks.Where(t => t.Revision < _revision && t.IsLive)];
        int runningCurrent = _tasks.Count(t => t.Revision == _revision && t.State == TaskState.Running);
        int runningOld = old.Count(static t => t.State == TaskState.Running);
        foreach (SimTask task in Shuffled(old))
        {
            // minimumHealthyPercent 100: an old task goes only while enough others run.
            if (!task.Model.IsProtected && (task.State == TaskState.Pending || runningCurrent + runningOld - 1 >= _desired))
            {
                runningOld -= task.State == TaskState.Running ? 1 : 0;
                Sigterm(task);
            }
        }

        List<SimTask> current = [.. _tasks.Where(t => t.Revision == _revision && t.IsLive)];
        int excess = current.Count - _desired;
        foreach (SimTask task in current.Where(static t => t.State == TaskState.Pending).Concat(Shuffled(current.Where(static t => t.State == TaskState.Running))))
        {
            if (excess <= 0)
            {
                break;
            }

            if (task.State == TaskState.Pending || !task.Model.IsProtected)
            {
                Sigterm(task);
                excess--;
            }
        }

        _metrics.ScaleInBlockedSeconds += Math.Max(0, excess) * _config.SchedulerInterval.TotalSeconds;
        CheckDeploymentDone();
    }

    /// <summary>A rolling deployment: a new revision, launched at the desired count (maximumPercent 200).</summary>
    private void Deploy()
    {
        if (_deploymentStart is { } unfinished)
        {
            _metrics.Deployments.Add(new DeploymentRecord(unfinished, null, _deploymentLongestJobLeft));
        }

        _revision++;
        _deployedAt.Add(Now);
        _deploymentStart = Now;
        _deploymentLongestJobLeft = LongestJobLeft();
        for (int i = 0; i < _desired; i++)
        {
            Launch(_config.TaskStartup);
        }
    }

    private void CheckDeploymentDone()
    {
        if (_deploymentStart is { } start && !_tasks.Exists(t => t.Revision < _revision))
        {
            _metrics.Deployments.Add(new DeploymentRecord(start, Now - start, _deploymentLongestJobLeft));
            _deploymentStart = null;
        }
    }

    /// <summary>What the longest job running now still needs: the least a deployment starting now can take without killing it.</summary>
    private TimeSpan LongestJobLeft()
    {
        TimeSpan longest = TimeSpan.Zero;
        foreach (SimTask task in _tasks)
        {
            foreach (WorkerSlot slot in task.Slots)
            {
                if (slot.State == SlotState.Running && slot.StartedAt + slot.Job!.Length - Now is var left && left > longest)
                {
                    longest = left;
                }
            }
        }

        return longest;
    }

    /// <summary>
    /// The modelled DEPLOYMENT_BLOCKED rule: while a rolling deployment (maximumPercent 200) replaces a revision, a task
    /// of that revision may not newly become protected once as many of its tasks are protected as the deployment may
    /// keep beside the new ones (the desired count). Protected tasks of the old revision counted once a simulated second.
    /// </summary>
    private bool DeploymentBlocks(SimTask task)
    {
        if (_deploymentStart is null || task.Revision >= _revision)
        {
            return false;
        }

        if (Now - _protectedCountAt >= TimeSpan.FromSeconds(1))
        {
            _protectedCount = _tasks.Count(t => t.Revision < _revision && t.Model.IsProtected);
            _protectedCountAt = Now;
        }

        return _protectedCount >= _desired;
    }

    private int BusyWorkers() =>
        _tasks.Sum(static t => t.State == TaskState.Running ? t.Slots.Count(static s => s.State is SlotState.Admitting or SlotState.Running) : 0);

    private void Sample()
    {
        int protectedTasks = 0;
        foreach (SimTask task in _tasks)
        {
            if (task.Model.IsProtected)
            {
                protectedTasks++;
                _metrics.ProtectedIdleSeconds += task.HasWork ? 0 : 60;
            }
        }

        if (Now.Ticks % TimeSpan.FromMinutes(5).Ticks == 0)
        {
            _metrics.Timeline.Add(new TimelinePoint(Now, _desired, _tasks.Count(static t => t.IsLive), protectedTasks, _queue.Count, BusyWorkers()));
        }
    }

    private SimTask[] Shuffled(IEnumerable<SimTask> tasks)
    {
        SimTask[] array = [.. tasks];
        _choices.Shuffle(array);
        return array;
    }
}
