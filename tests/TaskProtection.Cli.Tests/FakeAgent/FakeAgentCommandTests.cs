using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using TaskProtection.Cli.Tests.Infrastructure;

namespace TaskProtection.Cli.Tests.FakeAgent;

/// <summary><c>taskprotect fake-agent</c> as a real process: the address to export, a line per call, scripted faults, Ctrl+C.</summary>
public sealed class FakeAgentCommandTests
{
    private const string ExportPrefix = "export ECS_AGENT_URI=";

    [Fact]
    public async Task Run_against_it_shows_the_acquire_and_the_release_and_Ctrl_C_exits_0()
    {
        using Tool agent = Tool.Start(["fake-agent", "--port", "0"]);
        Uri address = await AddressAsync(agent);
        Assert.Equal(IPAddress.Loopback.ToString(), address.Host);

        (int runExit, string runOutput) = await Tool.RunAsync(["run", "--", "true"], address);

        Assert.True(runExit == 0, runOutput);
        (_, string enable) = await agent.Process.WaitForLineAsync("PUT enable 7 min -> 200 protected until ", Tool.Bound);
        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{3} PUT enable 7 min -> 200 protected until \d\d:\d\d:\d\d\.\d{3}$", enable);
        await agent.Process.WaitForLineAsync("PUT disable -> 200 not protected", Tool.Bound);

        agent.Process.Signal("INT");
        (int exitCode, _) = await agent.Process.WaitForExitAsync(Tool.Bound);
        Assert.True(exitCode == 0, agent.Process.Output);
    }

    [Fact]
    public async Task The_short_lease_settings_it_suggests_pass_the_start_up_checks()
    {
        using Tool agent = Tool.Start(["fake-agent"]);
        (_, string hint) = await agent.Process.WaitForLineAsync("TaskProtection__ProtectionBuffer=", Tool.Bound);
        Dictionary<string, string> settings = hint[(hint.IndexOf("export ", StringComparison.Ordinal) + "export ".Length)..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(static pair => pair.Split('=', 2))
            .ToDictionary(static pair => pair[0], static pair => pair[1]);
        Assert.Contains("TaskProtection__CheckInterval", settings.Keys);

        (int exitCode, string output) = await Tool.RunAsync(["check"], environment: settings);

        Assert.True(exitCode == 0, output);
        Assert.Contains("1 min per enable", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scripted_faults_answer_the_next_calls_in_order_then_normal_answers_resume()
    {
        using Tool agent = Tool.Start(["fake-agent", "--fault", "throttling:2", "--fault", "deployment-blocked"]);
        Uri address = await AddressAsync(agent);
        using var http = new HttpClient { Timeout = Tool.Bound };

        int[] statuses = new int[4];
        string[] bodies = new string[4];
        for (int i = 0; i < 4; i++)
        {
            using HttpResponseMessage answer = await PutAsync(http, address, """{"ProtectionEnabled":true,"ExpiresInMinutes":1}""");
            statuses[i] = (int)answer.StatusCode;
            bodies[i] = await answer.Content.ReadAsStringAsync();
        }

        Assert.Equal([400, 400, 200, 200], statuses);
        Assert.Contains("ThrottlingException", bodies[0], StringComparison.Ordinal);
        Assert.Contains("DEPLOYMENT_BLOCKED", bodies[2], StringComparison.Ordinal);
        await agent.Process.WaitForLineAsync("PUT enable 1 min -> 200 protected until", Tool.Bound);
        string[] lines = [.. agent.Process.Output.Split(Environment.NewLine).Where(static l => l.Contains(" PUT ", StringComparison.Ordinal))];
        Assert.Equal(4, lines.Length);
        Assert.EndsWith("PUT enable 1 min -> 400 ThrottlingException  [fault: throttling]", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("PUT enable 1 min -> 400 ThrottlingException  [fault: throttling]", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("PUT enable 1 min -> 200 failure DEPLOYMENT_BLOCKED  [fault: deployment-blocked]", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain("[fault:", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_writes_one_object_per_line_first_the_address_then_each_call()
    {
        using Tool agent = Tool.Start(["fake-agent", "--json", "--fault", "server-error"]);
        (_, string first) = await agent.Process.WaitForLineAsync("\"event\":\"listening\"", Tool.Bound);
        using JsonDocument listening = JsonDocument.Parse(first);
        var address = new Uri(listening.RootElement.GetProperty("agentUri").GetString()!);
        using var http = new HttpClient { Timeout = Tool.Bound };

        using (await PutAsync(http, address, """{"ProtectionEnabled":true,"ExpiresInMinutes":2}"""))
        using (await PutAsync(http, address, """{"ProtectionEnabled":true,"ExpiresInMinutes":2}"""))
        {
        }

        (_, string protectedLine) = await agent.Process.WaitForLineAsync("\"answer\":\"protected until", Tool.Bound);
        string failedLine = agent.Process.Output.Split(Environment.NewLine).Single(static l => l.Contains("\"fault\":\"server-error\"", StringComparison.Ordinal));
        using JsonDocument failed = JsonDocument.Parse(failedLine);
        Assert.Equal("call", failed.RootElement.GetProperty("event").GetString());
        Assert.Equal(500, failed.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("ServerException", failed.RootElement.GetProperty("error").GetString());
        using JsonDocument ok = JsonDocument.Parse(protectedLine);
        Assert.Equal("enable", ok.RootElement.GetProperty("request").GetString());
        Assert.Equal(2, ok.RootElement.GetProperty("minutes").GetInt32());
        DateTimeOffset at = ok.RootElement.GetProperty("at").GetDateTimeOffset();
        TimeSpan off = ok.RootElement.GetProperty("protectedUntil").GetDateTimeOffset() - at.AddMinutes(2);
        Assert.True(off.Duration() < TimeSpan.FromMilliseconds(1), $"Protected until {off} away from two minutes after the call."); // the agent writes milliseconds
    }

    [Fact]
    public async Task An_unknown_fault_name_is_a_usage_error_that_lists_the_valid_ones()
    {
        (int exitCode, string output) = await Tool.RunAsync(["fake-agent", "--fault", "throttled"]);

        Assert.True(exitCode == 2, output);
        Assert.Contains("no fault is called 'throttled'", output, StringComparison.Ordinal);
        Assert.Contains("Valid names: none, too-many-requests, server-error, gateway-timeout, throttling, deployment-blocked", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_that_is_taken_exits_1_saying_so()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        string port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        (int exitCode, string output) = await Tool.RunAsync(["fake-agent", "--port", port]);

        Assert.True(exitCode == 1, output);
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", output, StringComparison.Ordinal);
    }

    private static async Task<Uri> AddressAsync(Tool agent)
    {
        (_, string line) = await agent.Process.WaitForLineAsync(ExportPrefix, Tool.Bound);
        Assert.StartsWith(ExportPrefix + "http://127.0.0.1:", line, StringComparison.Ordinal);
        return new Uri(line[ExportPrefix.Length..]);
    }

    private static Task<HttpResponseMessage> PutAsync(HttpClient http, Uri agent, string body) =>
        http.PutAsync(new Uri(agent.AbsoluteUri + "/task-protection/v1/state"), new StringContent(body, Encoding.UTF8, "application/json"));
}
