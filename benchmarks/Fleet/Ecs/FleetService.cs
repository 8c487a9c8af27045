using TaskProtection.Fleet.Designs;
using TaskProtection.Fleet.Engine;
using TaskProtection.Fleet.Report;
using TaskProtection.Fleet.Work;
using TaskProtection.Simulation;

namespace TaskProtection.Fleet.Ecs;

/// <summary>
/// One ECS service for one simulated day: the queue and its workers, the tasks' lives (launch, SIGTERM, SIGKILL) and,
/// in <c>FleetService.Scaling.cs</c>, what ECS decides (auto scaling, scale-in, rolling deployments).
/// </summary>
public sealed partial class FleetService
{
    private static readonly TimeSpan RestAfterRefusal = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PauseWhileNotAccepting = TimeSpan.FromSeconds(30);

    private readonly FleetConfig _config;
    private readonly IProtectionDesign _design;
    private readonly FleetClock _clock;
    private readonly DesignContext _designContext;
    private readonly EcsRules _rules;
    private readonly Random _choices;
    private readonly Backlog _queue = new();
    private readonly List<SimTask> _tasks = [];
    private readonly List<WorkerSlot> _idle = [];
    private readonly FleetMetrics _metrics = new();
    private readonly FleetEcsApi _ecsApi;
    private int _nextTaskId;

    private FleetService(FleetConfig config, IProtectionDesign design)
    {
        _config = config;
        _design = design;
        _clock = new FleetClock(new ManualTaskScheduler());
        _ecsApi = new FleetEcsApi(config, _clock, this);
        _designContext = new DesignContext(_clock, new Random(config.Seed * 31 + 1), _ecsApi);
        _choices = new Random(config.Seed * 17 + 3);
        _rules = new EcsRules(config, _clock, DeploymentBlocks);
    }

    /// <summary>Simulates <paramref name="config"/>'s day with every task protected by <paramref name="design"/>.</summary>
    public static FleetResult Run(FleetConfig config, IProtectionDesign design)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(design);
        config.Validate();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var service = new FleetService(config, design);
        service.Simulate();
        return service._metrics.ToResult(design.Name, watch.Elapsed, service._clock.Steps) with
        {
            ToldReasons = service._designContext.ToldReasons,
            DescribeCalls = service._ecsApi.Calls,
            DescribeThrottled = service._ecsApi.ThrottledCalls,
            DescribePeakPerSecond = service._ecsApi.PeakPerSecond,
            Simulated = config.Duration,
        };
    }

    private TimeSpan Now => _clock.Elapsed;

    private void Simulate()
    {
        if (_config.BurstTasks > 0)
        {
            StartBurst();
        }
        else
        {
            StartDay();
        }

        _clock.RunUntil(_config.Duration);
        if (_deploymentStart is { } unfinished)
        {
            _metrics.Deployments.Add(new DeploymentRecord(unfinished, null, _deploymentLongestJobLeft));
        }

        foreach (SimTask task in _tasks)
        {
            CloseOpenRuns(task);
            _metrics.FinishTask(task, Now);
        }
    }

    private void StartDay()
    {
        IReadOnlyList<Job> jobs = Arrivals.Generate(_config);
        _metrics.JobsArrived = jobs.Count;
        ScheduleArrival(jobs, 0);
        _desired = Needed(Arrivals.Shape(TimeSpan.Zero) * _config.PeakLoad * _config.MaxTasks * _config.WorkersPerTask);
        for (int i = 0; i < _desired; i++)
        {
            Launch(TimeSpan.Zero);
        }

        Every(TimeSpan.FromMinutes(1), Autoscale);
        Every(_config.SchedulerInterval, SchedulerTick);
        Every(TimeSpan.FromMinutes(1), Sample);
        if (_config.DeploymentEvery > TimeSpan.Zero)
        {
            for (TimeSpan at = _config.FirstDeployment; at < _config.Duration; at += _config.DeploymentEvery)
            {
                _clock.At(at, Deploy);
            }
        }
    }

    /// <summary>A scale-out burst: the queue full of work and <see cref="FleetConfig.BurstTasks"/> tasks starting together.</summary>
    private void StartBurst()
    {
        var random = new Random(_config.Seed);
        int jobs = _config.BurstTasks * _config.WorkersPerTask * 4;
        for (int i = 0; i < jobs; i++)
        {
            _queue.Add(new Job(i, Arrivals.Length(_config, random), TimeSpan.Zero));
        }

        _metrics.JobsArrived = jobs;
        _desired = _config.BurstTasks;
        for (int i = 0; i < _desired; i++)
        {
            Launch(_config.TaskStartup);
        }

        Every(TimeSpan.FromMinutes(1), Sample);
    }

    private void ScheduleArrival(IReadOnlyList<Job> jobs, int index)
    {
        if (index < jobs.Count)
        {
            _clock.At(jobs[index].ArrivedAt, () =>
            {
                _queue.Add(jobs[index]);
                ScheduleArrival(jobs, index + 1);
                Dispatch();
            });
        }
    }

    private void Every(TimeSpan period, Action action)
    {
        void Tick()
        {
            action();
            _clock.After(period, Tick);
        }

        _clock.After(period, Tick);
    }

    private SimTask Launch(TimeSpan startup)
    {
        var task = new SimTask(_nextTaskId++, _revision, _clock, _config.WorkersPerTask, Now);
        _rules.Attach(task);
        _tasks.Add(task);
        _byArn[task.Model.TaskArn] = task;
        _metrics.TasksLaunched++;
        _clock.After(startup, () =>
        {
            if (task.State != TaskState.Pending)
            {
                return;
            }

            task.State = TaskState.Running;
            task.Guard = _design.Attach(task, _designContext);
            foreach (WorkerSlot slot in task.Slots)
            {
                MakeIdle(slot);
            }
        });
        return task;
    }

    /// <summary>Hands queued jobs to idle workers, chosen at random as long-polling consumers would be.</summary>
    private void Dispatch()
    {
        while (_queue.Count > 0 && _idle.Count > 0)
        {
            int pick = _choices.Next(_idle.Count);
            WorkerSlot slot = _idle[pick];
            _idle[pick] = _idle[^1];
            _idle.RemoveAt(_idle.Count - 1);
            if (slot.State != SlotState.Idle || slot.Task.State != TaskState.Running)
            {
                continue;
            }

            if (!slot.Task.Guard!.Accepting)
            {
                // The worker pauses rather than take a job its task would refuse, and looks again later.
                Rest(slot, slot.Generation, PauseWhileNotAccepting);
            }
            else if (_queue.TryTake(out Job job))
            {
                Take(slot, job);
            }
        }
    }

    private void Take(WorkerSlot slot, Job job)
    {
        slot.State = SlotState.Admitting;
        slot.Job = job;
        slot.RequestedAt = Now;
        int generation = ++slot.Generation;
        slot.Task.Guard!.Admit(slot.Index, job, (admitted, told) => Decided(slot, generation, admitted, told));
    }

    private void Decided(WorkerSlot slot, int generation, bool admitted, bool told)
    {
        if (slot.Generation != generation || slot.Task.State == TaskState.Stopped)
        {
            return;
        }

        TimeSpan waited = Now - slot.RequestedAt;
        _metrics.AdmissionWaits.Add(waited.TotalSeconds);
        Job job = slot.Job!;
        if (!admitted)
        {
            _metrics.RunsRefused++;
            _queue.HandBack(job);
            slot.Job = null;
            Rest(slot, generation, RestAfterRefusal);
            CheckExit(slot.Task);
            Dispatch();
            return;
        }

        _metrics.StartedPastAcquireTimeout += told && waited >= TimeSpan.FromSeconds(30) ? 1 : 0;
        slot.State = SlotState.Running;
        slot.StartedAt = Now;
        slot.ToldAt = told ? Now : null;
        _clock.After(job.Length, () => Complete(slot, generation));
    }

    private void Complete(WorkerSlot slot, int generation)
    {
        if (slot.Generation != generation || slot.State != SlotState.Running || slot.Task.State == TaskState.Stopped)
        {
            return;
        }

        Job job = slot.Job!;
        slot.Task.Runs.Add(new RunRecord(slot.StartedAt, Now, slot.ToldAt, Killed: false));
        _metrics.JobsCompleted++;
        _metrics.QueueWaitSeconds += (slot.StartedAt - job.ArrivedAt).TotalSeconds;
        _metrics.QueueWaits++;
        slot.Job = null;
        slot.Task.Guard!.Finished(slot.Index);
        MakeIdle(slot);
    }

    private void Rest(WorkerSlot slot, int generation, TimeSpan rest)
    {
        slot.State = SlotState.Resting;
        _clock.After(rest, () =>
        {
            if (slot.Generation == generation && slot.State == SlotState.Resting)
            {
                MakeIdle(slot);
            }
        });
    }

    private void MakeIdle(WorkerSlot slot)
    {
        slot.State = SlotState.Idle;
        if (slot.Task.State == TaskState.Running)
        {
            _idle.Add(slot);
            Dispatch();
        }
        else
        {
            CheckExit(slot.Task);
        }
    }

    /// <summary>ECS stops the task: SIGTERM now, SIGKILL after stopTimeout unless the process exits first.</summary>
    private void Sigterm(SimTask task)
    {
        task.SigtermAt = Now;
        if (task.State == TaskState.Pending)
        {
            Exit(task);
            return;
        }

        task.State = TaskState.Stopping;
        task.Guard!.Terminate(() =>
        {
            task.GuardExited = true;
            CheckExit(task);
        });
        _clock.After(_config.StopTimeout, () => Kill(task));
    }

    private void CheckExit(SimTask task)
    {
        if (task.State == TaskState.Stopping && task.GuardExited && !task.HasWork)
        {
            Exit(task);
        }
    }

    private void Kill(SimTask task)
    {
        if (task.State != TaskState.Stopping)
        {
            return;
        }

        foreach (WorkerSlot slot in task.Slots)
        {
            if (slot.State == SlotState.Running)
            {
                task.Runs.Add(new RunRecord(slot.StartedAt, Now, slot.ToldAt, Killed: true));
                _metrics.RunsKilled++;
                _metrics.RunsKilledUntold += slot.ToldAt is null ? 1 : 0;
                _metrics.WorkLostSeconds += (Now - slot.StartedAt).TotalSeconds;
                slot.Job!.Kills++;
            }

            if (slot.Job is { } job)
            {
                _queue.HandBack(job);
                slot.Job = null;
            }
        }

        Exit(task);
    }

    private void Exit(SimTask task)
    {
        task.State = TaskState.Stopped;
        task.StoppedAt = Now;
        task.Clock.Kill();
        _tasks.Remove(task);
        _byArn.Remove(task.Model.TaskArn);
        _metrics.TasksStopped++;
        _metrics.FinishTask(task, Now);
        CheckDeploymentDone();
        Dispatch();
    }

    /// <summary>Runs still going when the day ends count up to the end, neither completed nor killed.</summary>
    private void CloseOpenRuns(SimTask task)
    {
        foreach (WorkerSlot slot in task.Slots)
        {
            if (slot.State == SlotState.Running)
            {
                task.Runs.Add(new RunRecord(slot.StartedAt, Now, slot.ToldAt, Killed: false));
            }
        }
    }
}
