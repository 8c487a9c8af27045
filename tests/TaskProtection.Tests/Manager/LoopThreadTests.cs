namespace TaskProtection.Tests.Manager;

/// <summary>The loop's own thread: work in order, timers it fires itself, and nothing lost after it is disposed. Real time, bounded.</summary>
public sealed class LoopThreadTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Work_runs_in_order_on_one_thread_that_is_not_the_pools()
    {
        using var thread = new LoopThread("test loop");
        var seen = new List<(int Order, bool Pool)>();
        Task[] work = [.. Enumerable.Range(0, 5).Select(i => Task.Factory.StartNew(
            () => seen.Add((i, Thread.CurrentThread.IsThreadPoolThread)), CancellationToken.None, TaskCreationOptions.None, thread))];

        await Task.WhenAll(work).WaitAsync(Bound);

        Assert.Equal([0, 1, 2, 3, 4], seen.Select(s => s.Order));
        Assert.All(seen, s => Assert.False(s.Pool));
    }

    [Fact]
    public async Task Timers_fire_in_due_order_and_a_cancelled_one_never_does()
    {
        using var thread = new LoopThread("test loop");
        using var cancel = new CancellationTokenSource();
        var fired = new List<string>();
        // Each continuation runs where its timer completes, so the list records the order the timers fired in, not the order
        // the thread pool got round to them. The cancelled timer is due long after any pause a loaded machine makes before
        // the cancel.
        const TaskContinuationOptions Inline = TaskContinuationOptions.ExecuteSynchronously;
        Task late = thread.Delay(TimeSpan.FromMilliseconds(80), CancellationToken.None).ContinueWith(_ => fired.Add("late"), CancellationToken.None, Inline, TaskScheduler.Default);
        Task early = thread.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None).ContinueWith(_ => fired.Add("early"), CancellationToken.None, Inline, TaskScheduler.Default);
        Task cancelled = thread.Delay(TimeSpan.FromMinutes(1), cancel.Token);
        Task forever = thread.Delay(Timeout.InfiniteTimeSpan, cancel.Token);
        await cancel.CancelAsync();

        await Task.WhenAll(early, late).WaitAsync(Bound);

        Assert.Equal(["early", "late"], fired);
        Assert.True(cancelled.IsCanceled);
        Assert.True(forever.IsCanceled);
    }

    [Fact]
    public async Task Work_queued_after_disposal_still_runs()
    {
        var thread = new LoopThread("test loop");
        thread.Dispose();

        int ran = await Task.Factory.StartNew(() => 42, CancellationToken.None, TaskCreationOptions.None, thread).WaitAsync(Bound);

        Assert.Equal(42, ran);
    }
}
