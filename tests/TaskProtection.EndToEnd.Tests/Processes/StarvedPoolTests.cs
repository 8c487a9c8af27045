using System.Globalization;
using TaskProtection.Testing;
using TaskProtection.Tests.Shared;

namespace TaskProtection.Tests.Processes;

/// <summary>
/// A real process whose every thread-pool worker is blocked while protection needs the loop: its timers and wakes run
/// on the loop's own thread, so the application is told on time even then. Real time, bounded waits.
/// </summary>
[Collection(ChildProcessGroup.Name)]
public sealed class StarvedPoolTests
{
    private static ChildProcess Start(FakeEcsAgent agent, string scenario) =>
        ChildProcess.StartDotnet(
            ChildProcess.BuiltAssembly("TaskProtection.TestHost"),
            ["--starve", scenario],
            new Dictionary<string, string> { ["ECS_AGENT_URI"] = agent.AgentUri.ToString(), ["DOTNET_NOLOGO"] = "1" });

    [Fact]
    public async Task A_synchronous_session_is_told_at_AcquireTimeout_though_no_pool_thread_is_left()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        agent.Model.FaultPolicy = static _ => new AgentFault(AgentFaultKind.Blackhole);
        using ChildProcess host = Start(agent, "acquire");

        (TimeSpan starvedAt, _) = await host.WaitForLineAsync("STARVED", TimeSpan.FromSeconds(30));
        (TimeSpan toldAt, _) = await host.WaitForLineAsync("LOST", TimeSpan.FromSeconds(20));

        // AcquireTimeout is 2 s: told within it (less the timer tolerance), whatever the pool.
        Assert.InRange(toldAt - starvedAt, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        Assert.DoesNotContain("NOT TOLD", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lapse_is_told_before_the_lease_ends_though_no_pool_thread_is_left()
    {
        // About a minute of real time: the shortest lease ECS grants is a whole minute.
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        int calls = 0;
        agent.Model.FaultPolicy = _ => Interlocked.Increment(ref calls) == 1 ? null : new AgentFault(AgentFaultKind.Blackhole);
        using ChildProcess host = Start(agent, "lapse");

        (_, string protectedLine) = await host.WaitForLineAsync("PROTECTED", TimeSpan.FromSeconds(30));
        await host.WaitForLineAsync("STARVED", TimeSpan.FromSeconds(30));
        (_, string lostLine) = await host.WaitForLineAsync("LOST", TimeSpan.FromSeconds(90));

        // Judged by the agent's record: the lease it granted, not the manager's own measure.
        DateTimeOffset toldAt = DateTimeOffset.Parse(lostLine["LOST ".Length..], CultureInfo.InvariantCulture);
        AgentCall enable = agent.Model.Calls[0];
        DateTimeOffset leaseEnds = enable.ReceivedAt + TimeSpan.FromMinutes(1);
        Assert.True(toldAt < leaseEnds, $"Told at {toldAt:O}, after the lease ended at {leaseEnds:O} ({protectedLine}).");
    }
}
