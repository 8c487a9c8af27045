using System.Globalization;
using TaskProtection.Testing;
using TaskProtection.Tests.Shared;

namespace TaskProtection.Tests.Processes;

/// <summary>
/// The real thing: tests/TaskProtection.TestHost started as a child process against a FakeEcsAgent and sent SIGTERM,
/// as ECS does on scale-in, deployments and Spot interruptions. Real time, bounded waits.
/// </summary>
[Collection(ChildProcessGroup.Name)]
public sealed class SigtermTests
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(30);

    private static ChildProcess StartHost(FakeEcsAgent agent, params string[] arguments) =>
        ChildProcess.StartDotnet(
            ChildProcess.BuiltAssembly("TaskProtection.TestHost"),
            arguments,
            new Dictionary<string, string> { ["ECS_AGENT_URI"] = agent.AgentUri.ToString(), ["DOTNET_NOLOGO"] = "1" });

    [Fact]
    public async Task SIGTERM_during_a_session_waits_for_it_keeps_protection_then_releases_and_exits_0()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no SIGTERM to send
        }

        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using ChildProcess host = StartHost(agent, "--session-seconds", "3");
        await host.WaitForLineAsync("SESSION STARTED", StartBound);
        Assert.True(agent.Model.IsProtected);

        host.Signal("TERM");
        await host.WaitForLineAsync("[1060]", TimeSpan.FromSeconds(15));
        Assert.True(agent.Model.IsProtected, "Protection must hold while the session drains.");
        Assert.DoesNotContain("SESSION ENDED", host.Output, StringComparison.Ordinal);

        (int exitCode, _) = await host.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(0, exitCode);
        (_, string ended) = await host.WaitForLineAsync("SESSION ENDED", TimeSpan.FromSeconds(1));
        DateTimeOffset endedAt = DateTimeOffset.Parse(ended["SESSION ENDED ".Length..], CultureInfo.InvariantCulture);
        AgentCall[] releases = agent.Model.Calls.Where(c => c.Body.Contains("\"ProtectionEnabled\":false", StringComparison.Ordinal)).ToArray();
        AgentCall release = Assert.Single(releases);
        Assert.Same(release, agent.Model.Calls[^1]);
        Assert.True(release.ReceivedAt >= endedAt, $"Released at {release.ReceivedAt:O}, before the session ended at {endedAt:O}.");
        Assert.False(agent.Model.IsProtected);
        Assert.Contains("[1061] Drained", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SIGTERM_while_idle_exits_within_2_seconds()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using ChildProcess host = StartHost(agent, "--session-seconds", "0");
        await host.WaitForLineAsync("READY", StartBound);

        TimeSpan signalledAt = host.Elapsed;
        host.Signal("TERM");
        (int exitCode, TimeSpan exitedAt) = await host.WaitForExitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, exitCode);
        Assert.True(exitedAt - signalledAt < TimeSpan.FromSeconds(2), $"Took {exitedAt - signalledAt} to exit.");
        Assert.Empty(agent.Model.Calls);
    }

    [Fact]
    public async Task A_session_longer_than_DrainTimeout_is_logged_as_abandoned_and_the_process_exits_within_the_bound()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using ChildProcess host = StartHost(agent, "--session-seconds", "120", "--drain-seconds", "2");
        await host.WaitForLineAsync("SESSION STARTED", StartBound);

        TimeSpan signalledAt = host.Elapsed;
        host.Signal("TERM");
        (int exitCode, TimeSpan exitedAt) = await host.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(0, exitCode);
        Assert.True(exitedAt - signalledAt < TimeSpan.FromSeconds(2 + 2), $"Took {exitedAt - signalledAt} to exit with DrainTimeout 2 s.");
        Assert.Contains("[1063] Abandoned critical session test-host.transcode (id 1, running for", host.Output, StringComparison.Ordinal);
        Assert.Contains("because DrainTimeout passed", host.Output, StringComparison.Ordinal);
        Assert.Contains("\"ProtectionEnabled\":false", agent.Model.Calls[^1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_SIGTERM_during_the_drain_gives_up_the_wait_and_exits_promptly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using ChildProcess host = StartHost(agent, "--session-seconds", "120", "--drain-seconds", "20");
        await host.WaitForLineAsync("SESSION STARTED", StartBound);
        host.Signal("TERM");
        await host.WaitForLineAsync("[1060]", TimeSpan.FromSeconds(15));

        TimeSpan secondAt = host.Elapsed;
        host.Signal("TERM");
        (int exitCode, TimeSpan exitedAt) = await host.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(0, exitCode);
        Assert.True(exitedAt - secondAt < TimeSpan.FromSeconds(2), $"Took {exitedAt - secondAt} after the second SIGTERM.");
        Assert.Contains("[1065] Second stop signal (SIGTERM)", host.Output, StringComparison.Ordinal);
        Assert.Contains("[1063] Abandoned critical session test-host.transcode", host.Output, StringComparison.Ordinal);
        Assert.False(agent.Model.IsProtected);
    }

    [Fact]
    public async Task Without_the_generic_host_RunUntilStoppedAsync_drains_on_SIGTERM_and_releases()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using ChildProcess host = StartHost(agent, "--no-host", "--session-seconds", "2");
        await host.WaitForLineAsync("SESSION STARTED", StartBound);
        await host.WaitForLineAsync("READY", StartBound);
        Assert.True(agent.Model.IsProtected);

        host.Signal("TERM");
        (int exitCode, _) = await host.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(0, exitCode);
        Assert.Contains("DRAINED True", host.Output, StringComparison.Ordinal);
        (_, string ended) = await host.WaitForLineAsync("SESSION ENDED", TimeSpan.FromSeconds(1));
        DateTimeOffset endedAt = DateTimeOffset.Parse(ended["SESSION ENDED ".Length..], CultureInfo.InvariantCulture);
        AgentCall release = agent.Model.Calls[^1];
        Assert.Contains("\"ProtectionEnabled\":false", release.Body, StringComparison.Ordinal);
        Assert.True(release.ReceivedAt >= endedAt);
    }
}
