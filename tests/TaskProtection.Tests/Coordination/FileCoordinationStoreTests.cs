using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Coordination;

/// <summary>The coordination directory on a real file system: its checks at start-up, its locks, its state file.</summary>
public sealed class FileCoordinationStoreTests : IDisposable
{
    private static readonly TimeSpan Landing = TimeSpan.FromSeconds(17);
    private readonly string _directory = Directory.CreateTempSubdirectory("taskprotection-store-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_missing_directory_fails_at_start_up_saying_what_to_fix()
    {
        string missing = Path.Combine(_directory, "not-mounted");

        var failure = Assert.Throws<TaskProtectionException>(() => FileCoordinationStore.Open(missing, TimeProvider.System, Landing));

        Assert.Contains($"'{missing}' does not exist", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Mount the task volume there", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_that_cannot_be_written_fails_at_start_up()
    {
        // /proc refuses new files even to root.
        var failure = Assert.Throws<TaskProtectionException>(() => FileCoordinationStore.Open("/proc", TimeProvider.System, Landing));

        Assert.Contains("cannot be used by this process", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_manager_fails_at_start_up_too_when_the_directory_is_missing()
    {
        var options = new TaskProtectionOptions { CoordinationDirectory = Path.Combine(_directory, "absent") };
        await using Testing.FakeEcsAgent agent = await Testing.FakeEcsAgent.StartAsync();
        using var http = new HttpClient();

        var failure = Assert.Throws<TaskProtectionException>(() => new TaskProtectionManager(new EcsAgentClient(http, agent.AgentUri, options.RequestTimeout), options, new CriticalSessionRegistry()));

        Assert.Contains("TaskProtection:CoordinationDirectory", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_call_lock_is_exclusive_across_stores_and_free_again_once_released()
    {
        using FileCoordinationStore first = FileCoordinationStore.Open(_directory, TimeProvider.System, Landing);
        using FileCoordinationStore second = FileCoordinationStore.Open(_directory, TimeProvider.System, Landing);

        ICoordinationSession held = await first.LockAsync(CancellationToken.None);
        using var patience = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.LockAsync(patience.Token).AsTask());

        held.Dispose();
        using ICoordinationSession taken = await second.LockAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Holders_are_counted_by_their_locks_and_one_that_dies_stops_counting()
    {
        using FileCoordinationStore first = FileCoordinationStore.Open(_directory, TimeProvider.System, Landing);
        using FileCoordinationStore second = FileCoordinationStore.Open(_directory, TimeProvider.System, Landing);
        using (ICoordinationSession session = await first.LockAsync(CancellationToken.None))
        {
            session.BecomeHolder();
        }

        using (ICoordinationSession session = await second.LockAsync(CancellationToken.None))
        {
            Assert.Equal((true, null), session.OtherHolders());
        }

        first.Dispose(); // as the process ending: the kernel drops its lock
        using (ICoordinationSession session = await second.LockAsync(CancellationToken.None))
        {
            Assert.Equal((false, null), session.OtherHolders());
        }

        Assert.Equal(["taskprotection.holders", "taskprotection.lock", "taskprotection.state"], Directory.GetFiles(_directory).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task The_state_survives_between_stores_and_a_corrupt_file_is_recovered_from_not_trusted()
    {
        using FileCoordinationStore store = FileCoordinationStore.Open(_directory, TimeProvider.System, Landing);
        long now = store.Clock.Now;
        long expires = now + store.Clock.Ticks(TimeSpan.FromMinutes(7));
        using (ICoordinationSession session = await store.LockAsync(CancellationToken.None))
        {
            session.Write(SharedProtection.Empty with { Clock = store.Clock.Id, ExpiresAt = expires });
        }

        using (ICoordinationSession session = await store.LockAsync(CancellationToken.None))
        {
            Assert.Equal(expires, session.Read().ExpiresAt);
            Assert.Null(session.Recovered);
        }

        await File.WriteAllTextAsync(Path.Combine(_directory, FileCoordinationStore.StateName), """{"expiresAt":12""");
        using (ICoordinationSession session = await store.LockAsync(CancellationToken.None))
        {
            SharedProtection recovered = session.Read();
            Assert.NotNull(session.Recovered);
            Assert.Null(recovered.ExpiresAt);
            PendingCall assumed = Assert.Single(recovered.Pending);
            Assert.False(assumed.Enable);
            Assert.True(assumed.MayLandUntil >= now + store.Clock.Ticks(Landing));
        }
    }

    [Fact]
    public async Task Two_managers_over_one_real_directory_share_protection_on_a_simulated_clock()
    {
        var options = new TaskProtectionOptions { CoordinationDirectory = _directory };
        TimeSpan landing = GapBudget.MayLandWithin(options);
        await using var first = new Harness(options, coordination: clock => FileCoordinationStore.Open(_directory, clock, landing));
        await using var second = new Harness(options, sameTask: first, coordination: clock => FileCoordinationStore.Open(_directory, clock, landing));
        CriticalSession a = first.Entered("a");
        second.Entered("b");

        a.Dispose();
        first.Advance(options.ReleaseDelay + TimeSpan.FromSeconds(1));

        Assert.True(first.Model.IsProtected);
        Assert.Single(first.Puts());
        Assert.Equal(1, first.Manager.GetStatus().Coordination!.ReleasesSkipped);
        Assert.Equal(_directory, first.Manager.GetStatus().Coordination!.Directory);
    }
}
