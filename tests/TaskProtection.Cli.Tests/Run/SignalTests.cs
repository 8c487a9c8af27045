using TaskProtection.Cli.Tests.Infrastructure;
using TaskProtection.Testing;

namespace TaskProtection.Cli.Tests.Run;

/// <summary>SIGTERM to a running <c>taskprotect run</c>: the command finishes protected, or gets the signal when it must.</summary>
public sealed class SignalTests
{
    // Exits 7 when it gets SIGTERM; the short sleeps let the shell run its trap promptly.
    private static readonly string[] WaitsForTerm = ["sh", "-c", "trap 'echo child-got-TERM; exit 7' TERM; echo child-ready; while true; do sleep 0.1; done"];

    [Fact]
    public async Task On_SIGTERM_the_command_finishes_protected_and_then_protection_is_released()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using Tool tool = Tool.Start(["run", "--drain-timeout", "60s", "--", "sh", "-c", "echo child-ready; sleep 2; echo child-done; exit 5"], agent.AgentUri);
        await tool.Process.WaitForLineAsync("child-ready", Tool.Bound);

        tool.Process.Signal("TERM");
        (int exitCode, _) = await tool.Process.WaitForExitAsync(Tool.Bound);

        Assert.True(exitCode == 5, tool.Process.Output);
        Assert.Contains("child-done", tool.Process.Output, StringComparison.Ordinal);
        Assert.Contains("SIGTERM received", tool.Process.Output, StringComparison.Ordinal);
        Assert.Single(agent.Model.Disables());
        agent.Model.AssertProtectedThroughout();
    }

    [Fact]
    public async Task A_second_SIGTERM_is_forwarded_to_the_command_at_once()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using Tool tool = Tool.Start(["run", "--drain-timeout", "100s", "--", .. WaitsForTerm], agent.AgentUri);
        await tool.Process.WaitForLineAsync("child-ready", Tool.Bound);
        tool.Process.Signal("TERM");
        await tool.Process.WaitForLineAsync("SIGTERM received", Tool.Bound);

        tool.Process.Signal("TERM");
        (int exitCode, _) = await tool.Process.WaitForExitAsync(Tool.Bound);

        Assert.True(exitCode == 7, tool.Process.Output);
        Assert.Contains("child-got-TERM", tool.Process.Output, StringComparison.Ordinal);
        Assert.Contains("a second signal came", tool.Process.Output, StringComparison.Ordinal);
        agent.Model.AssertProtectedThroughout();
        Assert.False(agent.Model.IsProtected);
    }

    [Fact]
    public async Task After_the_drain_timeout_the_command_gets_SIGTERM()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using Tool tool = Tool.Start(["run", "--drain-timeout", "1s", "--", .. WaitsForTerm], agent.AgentUri);
        await tool.Process.WaitForLineAsync("child-ready", Tool.Bound);

        tool.Process.Signal("TERM");
        (int exitCode, _) = await tool.Process.WaitForExitAsync(Tool.Bound);

        Assert.True(exitCode == 7, tool.Process.Output);
        Assert.Contains("did not finish within the drain timeout", tool.Process.Output, StringComparison.Ordinal);
        agent.Model.AssertProtectedThroughout();
        Assert.False(agent.Model.IsProtected);
    }

    [Fact]
    public async Task A_SIGTERM_while_protection_is_being_acquired_stops_before_the_command_starts()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        var acquiring = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        agent.Model.FaultPolicy = call =>
        {
            // The first enable is applied at once but answered only after 5 s: the tool is waiting inside EnterAsync.
            if (!acquiring.Task.IsCompleted)
            {
                acquiring.TrySetResult();
                return AgentFault.Latency(TimeSpan.Zero, responseDelay: TimeSpan.FromSeconds(5));
            }

            return null;
        };
        using Tool tool = Tool.Start(["run", "--", "sh", "-c", "echo must-not-run"], agent.AgentUri);
        await acquiring.Task.WaitAsync(Tool.Bound);

        tool.Process.Signal("TERM");
        (int exitCode, _) = await tool.Process.WaitForExitAsync(Tool.Bound);

        Assert.True(exitCode == 143, tool.Process.Output);
        Assert.Contains("SIGTERM received before sh started", tool.Process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("must-not-run", tool.Process.Output, StringComparison.Ordinal);
        Assert.False(agent.Model.IsProtected);
    }
}
