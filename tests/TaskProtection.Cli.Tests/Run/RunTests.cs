using System.Globalization;
using TaskProtection.Cli.Tests.Infrastructure;
using TaskProtection.Testing;

namespace TaskProtection.Cli.Tests.Run;

/// <summary><c>taskprotect run</c> as a real process with a real child, judged by the fake agent's record.</summary>
public sealed class RunTests
{
    [Fact]
    public async Task The_command_runs_protected_and_protection_is_released_after_it_exits()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();

        // The child is the tool itself asking the agent: it sees protection on before it writes anything.
        (int exitCode, string output) = await Tool.RunAsync(["run", "--name", "self-check", "--", .. Tool.Itself("status", "--json")], agent.AgentUri);

        Assert.True(exitCode == 0, output);
        Assert.Contains("\"protectionEnabled\":true", output, StringComparison.Ordinal);
        Assert.Equal(["PUT", "GET", "PUT"], agent.Model.Calls.Select(c => c.Method));
        Assert.Single(agent.Model.Enables());
        Assert.Single(agent.Model.Disables());
        Assert.False(agent.Model.IsProtected);
    }

    [Fact]
    public async Task The_exit_code_and_output_are_the_commands_and_protection_spans_its_whole_life()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using Tool tool = Tool.Start(["run", "--", "sh", "-c", "date +%s%N > started; echo to-stdout; echo to-stderr >&2; sleep 1; date +%s%N > ended; exit 3"], agent.AgentUri);

        (int exitCode, _) = await tool.Process.WaitForExitAsync(Tool.Bound);

        Assert.True(exitCode == 3, tool.Process.Output);
        Assert.Contains("to-stdout", tool.Process.Output, StringComparison.Ordinal);
        Assert.Contains("to-stderr", tool.Process.Output, StringComparison.Ordinal);
        AgentCall enable = Assert.Single(agent.Model.Enables());
        AgentCall release = Assert.Single(agent.Model.Disables());
        Assert.True(enable.ReceivedAt <= ReadStamp(tool, "started"), "The command started before the agent had enabled protection.");
        Assert.True(release.ReceivedAt >= ReadStamp(tool, "ended"), "Protection was released before the command exited.");
        agent.Model.AssertProtectedThroughout();
    }

    [Fact]
    public async Task A_command_that_outlives_a_lease_is_renewed_without_a_gap()
    {
        // Leases are whole minutes: a 1-minute lease renewed when 15 s are left, and a command that runs 62 s.
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        var shortLeases = new Dictionary<string, string>
        {
            ["TaskProtection__ExtensionInterval"] = "00:00:20",
            ["TaskProtection__ProtectionBuffer"] = "00:00:15",
            ["TaskProtection__CheckInterval"] = "00:00:05",
            ["TaskProtection__RequestTimeout"] = "00:00:06",
            ["TaskProtection__SchedulingTolerance"] = "00:00:00.500",
            ["TaskProtection__MinimumToleratedFailures"] = "0",
        };

        (int exitCode, string output) = await Tool.RunAsync(["run", "--", "sleep", "62"], agent.AgentUri, shortLeases, bound: TimeSpan.FromSeconds(120));

        Assert.True(exitCode == 0, output);
        Assert.All(agent.Model.Enables(), e => Assert.Contains("\"ExpiresInMinutes\":1", e.Body, StringComparison.Ordinal));
        Assert.True(agent.Model.Enables().Count >= 2, $"Expected a renewal; calls: {string.Join(", ", agent.Model.Calls.Select(c => c.Body))}");
        TimeSpan protectedFor = agent.Model.Disables()[^1].ReceivedAt - agent.Model.Enables()[0].ReceivedAt;
        Assert.True(protectedFor > TimeSpan.FromMinutes(1), $"Protected for {protectedFor}, not longer than one lease.");
        agent.Model.AssertProtectedThroughout();
    }

    [Fact]
    public async Task A_missing_command_exits_127_and_leaves_no_protection_on()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();

        (int exitCode, string output) = await Tool.RunAsync(["run", "--", "/no/such/command-anywhere", "arg"], agent.AgentUri);

        Assert.Equal(127, exitCode);
        Assert.Contains("command not found", output, StringComparison.Ordinal);
        Assert.False(agent.Model.IsProtected);
    }

    [Fact]
    public async Task A_file_that_is_not_executable_exits_126_and_leaves_no_protection_on()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        string script = Path.Combine(Path.GetTempPath(), $"not-executable-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(script, "#!/bin/sh\necho never\n");
        try
        {
            (int exitCode, string output) = await Tool.RunAsync(["run", "--", script], agent.AgentUri);

            Assert.Equal(126, exitCode);
            Assert.Contains("cannot execute", output, StringComparison.Ordinal);
            Assert.DoesNotContain("never", output, StringComparison.Ordinal);
            Assert.False(agent.Model.IsProtected);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task Without_an_agent_the_command_still_runs_and_the_tool_says_it_is_unprotected()
    {
        (int exitCode, string output) = await Tool.RunAsync(["run", "--", "sh", "-c", "echo ran; exit 4"]);

        Assert.Equal(4, exitCode);
        Assert.Contains("ran", output, StringComparison.Ordinal);
        Assert.Contains("without protection", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_ECS_refuses_protection_the_command_runs_under_Proceed_and_the_tool_warns()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        agent.Model.Enqueue(AgentFaultKind.TaskNotValid);

        (int exitCode, string output) = await Tool.RunAsync(["run", "--", "sh", "-c", "echo ran-anyway"], agent.AgentUri);

        Assert.True(exitCode == 0, output);
        Assert.Contains("ran-anyway", output, StringComparison.Ordinal);
        Assert.Contains("Protection lost", output, StringComparison.Ordinal);
        Assert.False(agent.Model.IsProtected);
    }

    [Fact]
    public async Task When_ECS_refuses_protection_under_Throw_the_command_is_not_started_and_the_tool_exits_1()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        agent.Model.Enqueue(AgentFaultKind.TaskNotValid);
        var throwOnTimeout = new Dictionary<string, string> { ["TaskProtection__AcquireTimeoutBehavior"] = "Throw" };

        (int exitCode, string output) = await Tool.RunAsync(["run", "--", "sh", "-c", "echo must-not-run"], agent.AgentUri, throwOnTimeout);

        Assert.True(exitCode == 1, output);
        Assert.Contains("was not started", output, StringComparison.Ordinal);
        Assert.DoesNotContain("must-not-run", output, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected error", output, StringComparison.Ordinal);
        Assert.False(agent.Model.IsProtected);
    }

    [Fact]
    public async Task When_protection_is_not_confirmed_in_time_under_Throw_the_tool_exits_1_with_one_line_and_no_stack_trace()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        agent.Model.Enqueue(AgentFaultKind.Blackhole);
        var throwAfterTwoSeconds = new Dictionary<string, string>
        {
            ["TaskProtection__AcquireTimeoutBehavior"] = "Throw",
            ["TaskProtection__AcquireTimeout"] = "00:00:02",
        };

        (int exitCode, string output) = await Tool.RunAsync(["run", "--", "sh", "-c", "echo must-not-run"], agent.AgentUri, throwAfterTwoSeconds);

        Assert.True(exitCode == 1, output);
        Assert.Contains("taskprotect: Critical session 'sh' was not started: protection was not confirmed within AcquireTimeout (2 s)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected error", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("must-not-run", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_the_command_one_line_says_how_it_went_unless_quiet()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();

        (int exitCode, string output) = await Tool.RunAsync(["run", "--name", "job", "--", "sh", "-c", "exit 3"], agent.AgentUri);
        (int quietExit, string quietOutput) = await Tool.RunAsync(["run", "--quiet", "--", "sh", "-c", "exit 3"], agent.AgentUri);

        Assert.True(exitCode == 3, output);
        Assert.Matches(@"taskprotect: 'job' exited 3 after [0-9.]+ m?s; protected throughout \(2 agent calls\), released\.", output);
        Assert.True(quietExit == 3, quietOutput);
        Assert.DoesNotContain("exited 3", quietOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verbose_shows_every_agent_call_and_its_answer()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        agent.Model.Enqueue(AgentFaultKind.Throttling);

        (int exitCode, string output) = await Tool.RunAsync(["run", "--verbose", "--", "true"], agent.AgentUri);

        Assert.True(exitCode == 0, output);
        string[] calls = [.. output.Split(Environment.NewLine).Where(static l => l.Contains("Agent call: ", StringComparison.Ordinal))];
        Assert.Equal(agent.Model.Calls.Count, calls.Length);
        Assert.Contains("Agent call: enable 7 min -> no confirmation after", calls[0], StringComparison.Ordinal);
        Assert.Contains("ThrottlingException", calls[0], StringComparison.Ordinal);
        Assert.Matches(@"Agent call: enable 7 min -> protected until \d\d:\d\d:\d\d\.\d{3} UTC in \d+ ms\.", calls[1]);
        Assert.Contains("Agent call: disable -> not protected", calls[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_setting_in_the_environment_exits_1_with_the_nearest_option()
    {
        (int exitCode, string output) = await Tool.RunAsync(["run", "--", "true"], environment: new Dictionary<string, string> { ["TaskProtection__ProtectionBufer"] = "00:01:00" });

        Assert.True(exitCode == 1, output);
        Assert.Contains("Unknown setting TaskProtection:ProtectionBufer: did you mean ProtectionBuffer?", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Orphans_the_command_leaves_behind_are_reaped()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();

        // The subshell exits at once, so its background sleep is orphaned and re-parented to the tool (its subreaper).
        (int exitCode, string output) = await Tool.RunAsync(["run", "--verbose", "--", "sh", "-c", "(sleep 0.3 &); sleep 2"], agent.AgentUri);

        Assert.True(exitCode == 0, output);
        Assert.Contains("Reaped orphaned process", output, StringComparison.Ordinal);
    }

    private static DateTimeOffset ReadStamp(Tool tool, string file)
    {
        long nanoseconds = long.Parse(File.ReadAllText(Path.Combine(tool.WorkingDirectory, file)).Trim(), CultureInfo.InvariantCulture);
        return DateTimeOffset.UnixEpoch.AddTicks(nanoseconds / 100);
    }
}
