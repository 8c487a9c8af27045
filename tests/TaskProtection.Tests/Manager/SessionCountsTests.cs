using System.Diagnostics;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// SessionCounts.Running is what every "tell the running sessions" is owed to (Commit's Tell.Running: the cap, the end
/// of the drain, a force-disable, the lapse): it never misses a session whose body runs, however the counters change
/// while it is read.
/// </summary>
public sealed class SessionCountsTests
{
    [Fact]
    public void Running_never_misses_a_session_whose_body_runs_while_another_one_starts_waiting()
    {
        // Interleaving (real threads; the loop thread is preempted between the two reads, which a busy two-core task does):
        //   loop:    reads ActiveCount = 1 (only "running", whose body runs)
        //   session: EnterAsync counts "arriving" (active 2), finds coverage closed, AddWaiting(+1) (waiting 1)
        //   loop:    reads waiting = 1, Running = 1 - 1 = 0, were the two counters read one after the other
        // A Commit(Tell.Running(…)) that counts 0 tells nobody. The cap and a force-disable tell once and never again, so
        // "running" runs on untold: through the cap until the lease's very end, through a force-disable until the disable
        // is answered (the session that arrived has a higher id, so it re-acquires instead of hearing of it).
        var registry = new CriticalSessionRegistry();
        var counts = new SessionCounts(registry);
        using CriticalSession running = registry.Enter("running");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int undercounts = 0;
        long reads = 0;

        var arriving = new Thread(() =>
        {
            while (!stop.IsCancellationRequested && Volatile.Read(ref undercounts) == 0)
            {
                // EnterAsync's slow path: counted, then waiting for coverage, then covered and going ahead.
                CriticalSession session = registry.Enter("arriving");
                counts.AddWaiting(1);
                counts.AddWaiting(-1);
                session.Dispose();
            }
        });

        // A third busy thread on two cores, as a task's own work would be: the reading thread gets preempted.
        var busy = new Thread(() =>
        {
            while (!stop.IsCancellationRequested && Volatile.Read(ref undercounts) == 0)
            {
                Thread.SpinWait(1000);
            }
        });

        var loop = new Thread(() =>
        {
            while (!stop.IsCancellationRequested && Volatile.Read(ref undercounts) == 0)
            {
                reads++;
                if (counts.Running == 0)
                {
                    Interlocked.Increment(ref undercounts);
                }
            }
        });

        var watch = Stopwatch.StartNew();
        arriving.Start();
        busy.Start();
        loop.Start();
        loop.Join();
        arriving.Join();
        busy.Join();

        Assert.True(
            undercounts == 0,
            $"SessionCounts.Running read 0 while a session's body ran (after {reads:N0} reads, {watch.Elapsed.TotalMilliseconds:F0} ms).");
    }
}
