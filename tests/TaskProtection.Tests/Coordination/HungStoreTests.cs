using Microsoft.Extensions.Time.Testing;
using TaskProtection.Testing;

namespace TaskProtection.Tests.Coordination;

/// <summary>
/// A shared file system that hangs (an NFS server gone, EFS throttled to a standstill) blocks the threads that touch it,
/// inside the kernel. With the production threads, the loop must still tell the application before ECS's protection ends.
/// </summary>
public sealed class HungStoreTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly TaskDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task When_the_shared_file_system_hangs_the_application_is_told_before_protection_ends()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var model = new ProtectionModel(time);
        var options = new TaskProtectionOptions();
        using var store = new HangingStore(_directory.Join(time, GapBudget.MayLandWithin(options)));
        var registry = new CriticalSessionRegistry(time);
        await using var manager = new TaskProtectionManager(
            new InMemoryTaskProtectionClient(model), options, registry, time, logger: null, TaskScheduler.Default, jitter: null, validate: true, meterFactory: null, coordination: store);
        await manager.StartAsync();
        Task<CriticalSession> entering = registry.EnterAsync("transcode").AsTask();
        Assert.True(SpinWait.SpinUntil(() => Step(time, model.IsProtected), Bound), "Protection was never acquired.");
        await using CriticalSession session = await entering.WaitAsync(Bound);
        CancellationToken lost = manager.ProtectionLostToken;

        store.Hang();
        try
        {
            // Second by second to the agent's expiry: before each step that would reach it, the application must know.
            while (model.IsProtected)
            {
                if (time.GetUtcNow() + TimeSpan.FromSeconds(1) >= model.ExpiresAt)
                {
                    Assert.True(SpinWait.SpinUntil(() => lost.IsCancellationRequested, Bound), $"Protection ends at {model.ExpiresAt:HH:mm:ss} and the application was not told.");
                }

                time.Advance(TimeSpan.FromSeconds(1));
                Thread.Yield();
            }

            Assert.True(lost.IsCancellationRequested);
            Assert.True(store.Blocked > 0, "Nothing touched the hung file system: the test tested nothing.");
        }
        finally
        {
            store.Resume();
        }
    }

    /// <summary>Moves time a little while the condition does not hold yet, so that timers the loop set can fire.</summary>
    private static bool Step(FakeTimeProvider time, bool done)
    {
        if (!done)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        return done;
    }

    /// <summary>The real store, whose every operation blocks its thread, uninterruptibly, once it hangs.</summary>
    private sealed class HangingStore(FileCoordinationStore inner) : ICoordinationStore
    {
        private readonly ManualResetEventSlim _running = new(initialState: true);
        private int _blocked;

        public int Blocked => Volatile.Read(ref _blocked);

        public string Participant => inner.Participant;

        public SharedClock Clock => inner.Clock;

        public void Hang() => _running.Reset();

        public void Resume() => _running.Set();

        public ValueTask<ICoordinationSession> LockAsync(CancellationToken cancellationToken)
        {
            Block();
            return inner.LockAsync(cancellationToken);
        }

        public void StopHolding()
        {
            Block();
            inner.StopHolding();
        }

        public void Dispose()
        {
            _running.Set();
            inner.Dispose();
            _running.Dispose();
        }

        private void Block()
        {
            if (!_running.IsSet)
            {
                Interlocked.Increment(ref _blocked);
                _running.Wait();
            }
        }
    }
}
