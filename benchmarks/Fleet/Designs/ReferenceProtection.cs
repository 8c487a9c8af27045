using TaskProtection.Fleet.Ecs;
using TaskProtection.Fleet.Work;
using TaskProtection.Testing;

namespace TaskProtection.Fleet.Designs;

/// <summary>
/// The reference design TaskProtection grew from: a job starting while protection is off enables it (7 minutes) and
/// waits for the answer; a check every 60 s renews when at most 120 s is left and jobs run, and disables when none
/// does. Errors are logged and the job goes ahead; there is no retry before the next check.
/// </summary>
public sealed class ReferenceProtection : IProtectionDesign
{
    private const int LeaseMinutes = 7;
    private static readonly TimeSpan Check = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Buffer = TimeSpan.FromSeconds(120);

    public string Name => "reference design (check every 60 s)";

    public ITaskGuard Attach(SimTask task, DesignContext context) => new Guard(task, context);

    private sealed class Guard : ITaskGuard
    {
        private readonly SimTask _task;
        private readonly DesignContext _context;
        private readonly InMemoryTaskProtectionClient _client;
        private readonly ITimer _check;
        private int _active;
        private bool _enabled;
        private DateTimeOffset _expiry;

        public Guard(SimTask task, DesignContext context)
        {
            _task = task;
            _context = context;
            _client = new InMemoryTaskProtectionClient(task.Model);
            _check = task.Clock.CreateTimer(_ => context.Run(CheckAsync), null, Check, Check);
        }

        public bool Accepting => true;

        public void Admit(int slot, Job job, Action<bool, bool> decided) => _context.Run(async () =>
        {
            _active++;
            if (!_enabled)
            {
                await EnableAsync();
            }

            decided(true, false);
        });

        public void Finished(int slot) => _active--;

        public void Terminate(Action exited)
        {
            _check.Dispose();
            exited();
        }

        private async Task CheckAsync()
        {
            if (_active > 0 && _expiry - _task.Clock.GetUtcNow() <= Buffer)
            {
                await EnableAsync();
            }
            else if (_active == 0 && _enabled)
            {
                _enabled = false;
                try
                {
                    await _client.DisableAsync(CancellationToken.None);
                }
                catch (TaskProtectionCallException)
                {
                    // Logged; the next check does not retry a disable it thinks is done.
                }
            }
        }

        private async Task EnableAsync()
        {
            _enabled = true;
            try
            {
                TaskProtectionState state = await _client.EnableAsync(LeaseMinutes, CancellationToken.None);
                _expiry = state.ExpirationDate ?? _task.Clock.GetUtcNow();
            }
            catch (TaskProtectionCallException)
            {
                // Logged; the job goes ahead and the next check tries again.
                _expiry = _task.Clock.GetUtcNow();
            }
        }
    }
}
