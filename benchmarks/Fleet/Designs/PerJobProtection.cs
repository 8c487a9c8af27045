using TaskProtection.Fleet.Ecs;
using TaskProtection.Fleet.Work;
using TaskProtection.Testing;

namespace TaskProtection.Fleet.Designs;

/// <summary>
/// Protection written by hand around each job, as often seen: enable for 7 minutes when the job starts (an error is
/// logged and the job goes ahead), renew every 5 minutes while it runs, disable when it ends. Without a count of the
/// task's running jobs, one job ending disables protection for the others.
/// </summary>
public sealed class PerJobProtection : IProtectionDesign
{
    private const int LeaseMinutes = 7;
    private static readonly TimeSpan Renewal = TimeSpan.FromMinutes(5);

    public string Name => "hand-written, per job";

    public ITaskGuard Attach(SimTask task, DesignContext context) => new Guard(task, context);

    private sealed class Guard(SimTask task, DesignContext context) : ITaskGuard
    {
        private readonly InMemoryTaskProtectionClient _client = new(task.Model);
        private readonly ITimer?[] _renewals = new ITimer?[task.Slots.Length];

        public bool Accepting => true;

        public void Admit(int slot, Job job, Action<bool, bool> decided) => context.Run(async () =>
        {
            await CallAsync(enable: true);
            _renewals[slot] = task.Clock.CreateTimer(_ => context.Run(() => CallAsync(enable: true)), null, Renewal, Renewal);
            decided(true, false);
        });

        public void Finished(int slot)
        {
            _renewals[slot]?.Dispose();
            _renewals[slot] = null;
            context.Run(() => CallAsync(enable: false));
        }

        public void Terminate(Action exited) => exited();

        private async Task CallAsync(bool enable)
        {
            try
            {
                _ = enable
                    ? await _client.EnableAsync(LeaseMinutes, CancellationToken.None)
                    : await _client.DisableAsync(CancellationToken.None);
            }
            catch (TaskProtectionCallException)
            {
                // "Log and carry on": the common hand-written reaction.
            }
        }
    }
}
