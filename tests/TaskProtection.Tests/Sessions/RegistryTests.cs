using Microsoft.Extensions.Time.Testing;

namespace TaskProtection.Tests.Sessions;

public sealed class RegistryTests
{
    [Fact]
    public void Dispose_ends_the_session_exactly_once_whichever_copy_is_disposed()
    {
        var registry = new CriticalSessionRegistry();
        CriticalSession session = registry.Enter("a");
        CriticalSession copy = session;
        CriticalSession other = registry.Enter("b");
        Assert.Equal(2, registry.ActiveCount);

        session.Dispose();
        copy.Dispose();
        session.Dispose();
        Assert.Equal(1, registry.ActiveCount);
        Assert.False(copy.IsActive);
        Assert.True(other.IsActive);
        default(CriticalSession).Dispose();
        other.Dispose();
        Assert.Equal(0, registry.ActiveCount);
    }

    [Fact]
    public void A_reused_slot_is_not_ended_by_a_stale_handle()
    {
        var registry = new CriticalSessionRegistry();
        CriticalSession first = registry.Enter("first");
        first.Dispose();
        CriticalSession second = registry.Enter("second");
        first.Dispose();
        Assert.True(second.IsActive);
        Assert.Equal("second", Assert.Single(registry.GetActiveSessions()).Name);
        second.Dispose();
    }

    [Fact]
    public async Task Concurrent_disposal_from_many_threads_ends_each_session_once()
    {
        var registry = new CriticalSessionRegistry();
        CriticalSession[] sessions = Enumerable.Range(0, 1000).Select(i => registry.Enter($"s{i}")).ToArray();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            foreach (CriticalSession s in sessions)
            {
                s.Dispose();
            }
        })));
        Assert.Equal(0, registry.ActiveCount);
        Assert.Empty(registry.GetActiveSessions());
    }

    [Fact]
    public async Task Concurrent_enter_and_dispose_keeps_the_count_exact()
    {
        var registry = new CriticalSessionRegistry();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                using CriticalSession s = registry.Enter("w");
                Assert.True(registry.ActiveCount >= 1);
            }
        })));
        Assert.Equal(0, registry.ActiveCount);
        Assert.Equal(160_000, registry.TotalEntered);
    }

    [Fact]
    public void Snapshot_lists_id_name_start_and_age_and_grows_past_its_first_capacity()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var registry = new CriticalSessionRegistry(time);
        var sessions = new List<CriticalSession>();
        for (int i = 0; i < 200; i++)
        {
            sessions.Add(registry.Enter($"job-{i}"));
            time.Advance(TimeSpan.FromSeconds(1));
        }

        IReadOnlyList<ActiveSessionInfo> snapshot = registry.GetActiveSessions();
        Assert.Equal(200, snapshot.Count);
        Assert.Equal("job-0", snapshot[0].Name);
        Assert.Equal(TimeSpan.FromSeconds(200), snapshot[0].Age);
        Assert.Equal(time.GetUtcNow() - TimeSpan.FromSeconds(200), snapshot[0].StartedAt);
        Assert.Equal(sessions[0].Id, snapshot[0].Id);
        Assert.Equal(TimeSpan.FromSeconds(1), snapshot[199].Age);
        sessions.ForEach(s => s.Dispose());
        Assert.Empty(registry.GetActiveSessions());
    }

    [Fact]
    public async Task EnterAsync_without_a_manager_completes_at_once()
    {
        var registry = new CriticalSessionRegistry();
        ValueTask<CriticalSession> entering = registry.EnterAsync("x");
        Assert.True(entering.IsCompletedSuccessfully);
        await (await entering).DisposeAsync();
        Assert.Equal(0, registry.ActiveCount);
    }

    [Fact]
    public void The_fast_path_allocates_nothing()
    {
        var registry = new CriticalSessionRegistry();
        for (int i = 0; i < 100; i++)
        {
            registry.Enter("warm").Dispose();
            registry.EnterAsync("warm").Result.Dispose();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            registry.Enter("job").Dispose();
            ValueTask<CriticalSession> entering = registry.EnterAsync("job");
            entering.Result.Dispose();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Enter_rejects_a_null_name()
    {
        Assert.Throws<ArgumentNullException>(() => new CriticalSessionRegistry().Enter(null!));
    }
}

public sealed class FastPathWithManagerTests
{
    [Fact]
    public async Task EnterAsync_and_Dispose_allocate_nothing_while_protection_covers_them()
    {
        var model = new TaskProtection.Testing.ProtectionModel();
        var registry = new CriticalSessionRegistry();
        await using var manager = new TaskProtectionManager(new TaskProtection.Testing.InMemoryTaskProtectionClient(model), new TaskProtectionOptions(), registry);
        await manager.StartAsync();

        // One long session keeps protection held; the measured ones come and go beside it.
        await using CriticalSession holder = await registry.EnterAsync("holder").AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        for (int i = 0; i < 100; i++)
        {
            registry.EnterAsync("warm").Result.Dispose();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            ValueTask<CriticalSession> entering = registry.EnterAsync("job");
            Assert.True(entering.IsCompletedSuccessfully);
            entering.Result.Dispose();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Single(model.Calls);
    }
}
