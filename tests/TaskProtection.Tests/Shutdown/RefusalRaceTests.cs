using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Shutdown;

/// <summary>
/// A session that reads "not refusing" and is counted only after the drain has seen no session and let the stop
/// release protection must not run: it withdraws and is refused.
/// </summary>
public sealed class RefusalRaceTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_session_counted_after_the_drain_saw_none_is_refused(bool async)
    {
        // The registry reads its clock between the refusal check and counting the session: SIGTERM lands exactly there.
        var registryClock = new InterposingTimeProvider(new SimulatedClock(new ManualTaskScheduler()));
        var registry = new CriticalSessionRegistry(registryClock);
        await using var h = new Harness(registry: registry);
        Task<DrainResult>? drain = null;
        registryClock.Next = () => drain = h.Manager.DrainAsync();

        Exception? refused = async ? EnterAsyncAndPump(h, registry) : Record.Exception(() => registry.Enter("slipped"));

        DrainResult result = await drain!.WaitAsync(Bound);
        Assert.True(result.Drained, "The drain saw no session, as in the race.");
        Assert.IsType<CriticalSessionRefusedException>(refused);
        Assert.Equal(0, registry.ActiveCount);
        Assert.Empty(h.Model.Calls);
    }

    private static Exception? EnterAsyncAndPump(Harness h, CriticalSessionRegistry registry)
    {
        Task<CriticalSession> entering = registry.EnterAsync("slipped").AsTask();
        h.Pump();
        return entering.IsFaulted ? entering.Exception!.InnerException : null;
    }

    /// <summary>A clock that runs an action once, the next time it is read.</summary>
    private sealed class InterposingTimeProvider(TimeProvider inner) : TimeProvider
    {
        public Action? Next { get; set; }

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp()
        {
            Action? next = Next;
            Next = null;
            next?.Invoke();
            return inner.GetTimestamp();
        }
    }
}
