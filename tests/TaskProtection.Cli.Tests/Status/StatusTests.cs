using System.Text.Json;
using TaskProtection.Cli.Tests.Infrastructure;
using TaskProtection.Testing;

namespace TaskProtection.Cli.Tests.Status;

/// <summary><c>taskprotect status</c> against a real HTTP fake agent.</summary>
public sealed class StatusTests
{
    [Fact]
    public async Task Json_shows_protection_expiry_time_left_and_the_task()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using var http = new HttpClient();
        await new EcsAgentClient(http, agent.AgentUri, TimeSpan.FromSeconds(10)).EnableAsync(5, CancellationToken.None);

        (int exitCode, string output) = await Tool.RunAsync(["status", "--json"], agent.AgentUri);

        Assert.True(exitCode == 0, output);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement root = json.RootElement;
        Assert.True(root.GetProperty("protectionEnabled").GetBoolean());
        // The agent reports milliseconds.
        Assert.InRange((agent.Model.ExpiresAt!.Value - root.GetProperty("expirationDate").GetDateTimeOffset()).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
        double secondsLeft = root.GetProperty("secondsLeft").GetDouble();
        Assert.InRange(secondsLeft, 240, 300);
        Assert.Equal(agent.Model.TaskArn, root.GetProperty("taskArn").GetString());
        Assert.Equal("GET", agent.Model.Calls[^1].Method);

        // Exactly the fields docs/cli.md documents, in its order.
        Assert.Equal(["protectionEnabled", "expirationDate", "secondsLeft", "taskArn", "agentUri", "readAt"], root.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task The_table_says_off_when_the_task_is_not_protected()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();

        (int exitCode, string output) = await Tool.RunAsync(["status"], agent.AgentUri);

        Assert.True(exitCode == 0, output);
        Assert.Matches(@"Protection\s*│\s*off", output);
        Assert.Contains(agent.Model.TaskArn, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_agent_it_says_so_and_exits_1()
    {
        (int exitCode, string output) = await Tool.RunAsync(["status"]);

        Assert.Equal(1, exitCode);
        Assert.Contains("ECS_AGENT_URI is not set", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_the_agent_reports_with_HTTP_200_is_an_error_that_names_it()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        agent.Model.Enqueue(AgentFaultKind.TaskNotValid);

        (int exitCode, string output) = await Tool.RunAsync(["status", "--json"], agent.AgentUri);

        Assert.Equal(1, exitCode);
        Assert.Contains("did not answer", output, StringComparison.Ordinal);
        Assert.DoesNotContain("protectionEnabled", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_refreshes_until_interrupted_and_then_exits_0()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using Tool tool = Tool.Start(["status", "--json", "--watch", "--interval", "1s"], agent.AgentUri);
        await tool.Process.WaitForLineAsync("\"protectionEnabled\":false", Tool.Bound);
        using var http = new HttpClient();
        await new EcsAgentClient(http, agent.AgentUri, TimeSpan.FromSeconds(10)).EnableAsync(3, CancellationToken.None);
        await tool.Process.WaitForLineAsync("\"protectionEnabled\":true", Tool.Bound);

        tool.Process.Signal("INT");
        (int exitCode, _) = await tool.Process.WaitForExitAsync(Tool.Bound);

        Assert.True(exitCode == 0, tool.Process.Output);
    }
}
