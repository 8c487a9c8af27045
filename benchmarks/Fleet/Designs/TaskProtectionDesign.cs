using Microsoft.Extensions.Logging.Abstractions;
using TaskProtection.Fleet.Ecs;
using TaskProtection.Fleet.Work;
using TaskProtection.Testing;

namespace TaskProtection.Fleet.Designs;

/// <summary>
/// TaskProtection itself: the real <see cref="TaskProtectionManager"/> and registry in every task, on the fleet's clock.
/// Each job body runs in a session; SIGTERM drains (DrainAsync, then StopAsync), as the hosted service does. With
/// <paramref name="withEcsApi"/> (the TaskProtection.EcsApi package referenced) and <see cref="TaskProtectionOptions.DrainOnDeployment"/>
/// not off, every task also runs the real deployment check against the simulated ECS API.
/// </summary>
public sealed class TaskProtectionDesign(string name, TaskProtectionOptions options, bool withEcsApi = false) : IProtectionDesign
{
    public string Name { get; } = name;

    public TaskProtectionOptions Options { get; } = options;

    /// <summary>Whether the deployment check runs: the EcsApi package is there and the option does not turn it off.</summary>
    public bool DrainsOnDeployment => withEcsApi && Options.DrainOnDeployment != false;

    public ITaskGuard Attach(SimTask task, DesignContext context) => new Guard(task, context, Options, DrainsOnDeployment);

    private sealed class Guard : ITaskGuard
    {
        private readonly SimTask _task;
        private readonly DesignContext _context;
        private readonly TaskProtectionManager _manager;
        private readonly CriticalSession?[] _sessions;
        private readonly CancellationTokenSource _watching = new();

        public Guard(SimTask task, DesignContext context, TaskProtectionOptions options, bool drainOnDeployment)
        {
            _task = task;
            _context = context;
            _sessions = new CriticalSession?[task.Slots.Length];
            var registry = new CriticalSessionRegistry(task.Clock);
            Random random = context.Random;
            _manager = new TaskProtectionManager(
                new InMemoryTaskProtectionClient(task.Model),
                options,
                registry,
                task.Clock,
                logger: null,
                context.Scheduler,
                jitter: () => random.NextDouble(),
                validate: true);
            _manager.ProtectionLost += (_, lost) =>
            {
                task.TellRunning(context.Clock.Elapsed);
                string reason = lost.Reason.ToString();
                context.ToldReasons[reason] = context.ToldReasons.GetValueOrDefault(reason) + 1;
            };
            _manager.StartAsync().GetAwaiter().GetResult();
            if (drainOnDeployment)
            {
                WatchDeployments(options);
            }
        }

        /// <summary>A worker following the README stops taking jobs while the task drains, is retired, or cools down after a drain.</summary>
        public bool Accepting => _manager.Mode switch
        {
            ProtectionMode.Draining or ProtectionMode.Retired => false,
            ProtectionMode.Capped => _manager.Options.CapDrain == TimeSpan.Zero,
            _ => true,
        };

        public void Admit(int slot, Job job, Action<bool, bool> decided) =>
            _context.When(_manager.Registry.EnterAsync("job").AsTask(), entered =>
            {
                if (entered.IsCompletedSuccessfully)
                {
                    _sessions[slot] = ((Task<CriticalSession>)entered).Result;
                    decided(true, _manager.ProtectionLostToken.IsCancellationRequested);
                }
                else
                {
                    // Refused (shutdown, or capped or lost under Throw): the job goes back to the queue.
                    _ = entered.Exception;
                    decided(false, false);
                }
            });

        public void Finished(int slot)
        {
            _sessions[slot]?.Dispose();
            _sessions[slot] = null;
        }

        /// <summary>
        /// SIGTERM: shutdown is requested as the hosted service does (new and waiting sessions refused, running ones
        /// kept protected), and the process exits once no session runs and the loop has released protection by itself,
        /// a ReleaseDelay after the last one. The hosted service's DrainAsync and StopAsync would do the same but
        /// continue on the thread pool, which a deterministic simulation cannot time; SIGKILL bounds the wait anyway.
        /// </summary>
        public void Terminate(Action exited)
        {
            _watching.Cancel();
            _manager.RequestShutdown();
            ITimer? poll = null;
            poll = _task.Clock.CreateTimer(
                _ =>
                {
                    TaskProtectionStatus status = _manager.GetStatus();
                    if (status.ActiveSessionCount == 0 && !status.ProtectionEnabled && status.Mode != ProtectionMode.Releasing)
                    {
                        poll!.Dispose();
                        exited();
                    }
                },
                null,
                TimeSpan.Zero,
                TimeSpan.FromSeconds(1));
        }

        /// <summary>The deployment check of TaskProtection.EcsApi, on the task's clock and the simulation's scheduler.</summary>
        private void WatchDeployments(TaskProtectionOptions options)
        {
            var own = new OwnService(FleetEcsApi.Cluster, FleetEcsApi.ServiceName, _task.Model.TaskArn);
            var client = new EcsApiTaskProtectionClient(_context.EcsApi!, options.RequestTimeout, _task.Clock);
            var check = new DeploymentCheck(_ => Task.FromResult<OwnService?>(own), _ => client);
            Random random = _context.Random;
            var watcher = new DeploymentWatcher(_manager, check, options.DeploymentCheckInterval, _task.Clock, NullLogger.Instance, () => random.NextDouble());
            _context.Run(() => watcher.RunAsync(_watching.Token));
        }
    }
}
