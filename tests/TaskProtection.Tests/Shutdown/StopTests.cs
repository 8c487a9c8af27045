using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Shutdown;

/// <summary>Stopping the manager: once, whoever calls it and whenever a force-disable arrives, and never silently.</summary>
public sealed class StopTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_force_disable_during_the_stop_completes_with_the_stops_release()
    {
        var h = new Harness();
        using CriticalSession session = h.Entered();
        Task stop = h.Manager.StopAsync();
        Task disable = h.Manager.ForceDisableProtectionAsync("operator: stop now");

        await h.DisposeAsync();

        await stop.WaitAsync(Bound);
        await disable.WaitAsync(Bound);
        Assert.False(h.Model.IsProtected);
        Assert.Single(h.Puts(enabled: false));
    }

    [Fact]
    public async Task A_session_entered_just_before_the_stop_is_told_even_though_nothing_was_sent_yet()
    {
        var h = new Harness();
        using CriticalSession session = h.Registry.Enter("job");

        await h.StopAsync();

        Assert.True(h.Manager.ProtectionLostToken.IsCancellationRequested);
        Assert.Empty(h.Puts(enabled: true));
    }

    [Fact]
    public async Task A_force_disable_queued_before_the_stop_is_answered_by_it()
    {
        var h = new Harness();
        using CriticalSession session = h.Entered();

        // Queued, but the loop has not run it when the stop begins.
        Task disable = h.Manager.ForceDisableProtectionAsync("operator");
        Task stop = h.Manager.StopAsync();
        await h.DisposeAsync();

        await Task.WhenAll(stop, disable).WaitAsync(Bound);
        Assert.False(h.Model.IsProtected);
    }

    [Fact]
    public async Task A_force_disable_after_the_stop_completes_at_once()
    {
        var h = new Harness();
        using (h.Entered())
        {
        }

        await h.DisposeAsync();
        await h.Manager.ForceDisableProtectionAsync("too late").WaitAsync(Bound);
        Assert.Equal(ProtectionMode.Stopped, h.Manager.Mode);
    }

    [Fact]
    public async Task Concurrent_stops_send_one_release()
    {
        var h = new Harness();
        using CriticalSession session = h.Entered();
        h.Model.Enqueue(AgentFault.Latency(TimeSpan.FromSeconds(1)));

        Task first = h.Manager.StopAsync();
        Task second = h.Manager.StopAsync();
        await h.DisposeAsync();

        await Task.WhenAll(first, second).WaitAsync(Bound);
        Assert.Single(h.Puts(enabled: false));
    }

    [Fact]
    public async Task Stopping_with_sessions_still_running_tells_them_before_the_release_lands()
    {
        var h = new Harness();
        using CriticalSession stuck = h.Entered("import");
        CancellationToken lost = h.Manager.ProtectionLostToken;
        ProtectionLostEventArgs? args = null;
        h.Manager.ProtectionLost += (_, e) => args = e;
        h.Model.Enqueue(AgentFault.Latency(TimeSpan.FromSeconds(1)));

        // The release takes a second to reach the agent: by then the session must have been told.
        Task stop = h.Manager.StopAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!lost.IsCancellationRequested && watch.Elapsed < Bound)
        {
            h.Scheduler.RunUntilIdle();
            await Task.Yield();
        }

        Assert.True(lost.IsCancellationRequested);
        Assert.True(h.Model.IsProtected);
        await h.DisposeAsync();
        await stop.WaitAsync(Bound);
        Assert.False(h.Model.IsProtected);
        Assert.Equal(ProtectionLossReason.Stopped, args?.Reason);
        Assert.Equal("import", Assert.Single(args!.ActiveSessions).Name);
    }
}
