using System.Globalization;
using System.Text.RegularExpressions;
using TaskProtection.Testing;
using TaskProtection.Tests.Shared;

namespace TaskProtection.Tests.Processes;

/// <summary>
/// The sample, built and run as a process: against a FakeEcsAgent through ECS_AGENT_URI (the production path), and on
/// its own with the embedded agent (the README's first command). The agent's record is the judge.
/// </summary>
[Collection(ChildProcessGroup.Name)]
public sealed partial class VideoWorkerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static ChildProcess Start(FakeEcsAgent? agent, params string[] arguments) => StartWith(agent, [], arguments);

    private static ChildProcess StartWith(FakeEcsAgent? agent, Dictionary<string, string> extra, params string[] arguments)
    {
        var environment = new Dictionary<string, string>(extra) { ["DOTNET_NOLOGO"] = "1" };
        if (agent is not null)
        {
            environment["ECS_AGENT_URI"] = agent.AgentUri.ToString();
        }

        return ChildProcess.StartDotnet(ChildProcess.BuiltAssembly(Path.Combine("samples", "VideoWorker"), "VideoWorker"), arguments, environment);
    }

    [Fact]
    public async Task Jobs_run_only_under_protection_without_a_gap_and_protection_is_released_after_the_last()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using ChildProcess worker = Start(agent, "--jobs", "3", "--job-seconds", "1.5", "--concurrency", "2");

        (int exitCode, _) = await worker.WaitForExitAsync(Bound);

        Assert.True(exitCode == 0, worker.Output);
        Timeline timeline = Timeline.Parse(worker.Output);
        Assert.Equal(3, timeline.Jobs.Count);
        AgentCall firstEnable = agent.Model.Calls.First(c => c.Body.Contains("\"ProtectionEnabled\":true", StringComparison.Ordinal));
        DateTimeOffset firstBody = timeline.Jobs.Min(j => j.Start);
        Assert.True(firstEnable.ReceivedAt <= firstBody, $"The first job's body started at {firstBody:O}, before protection was asked for at {firstEnable.ReceivedAt:O}.");

        IReadOnlyList<UnprotectedInterval> unprotected = agent.Model.UnprotectedIntervals(timeline.StartedAt);
        foreach ((int number, DateTimeOffset start, DateTimeOffset end) in timeline.Jobs)
        {
            Assert.DoesNotContain(unprotected, u => u.From < end && u.To > start);
        }

        AgentCall release = agent.Model.Calls[^1];
        Assert.Contains("\"ProtectionEnabled\":false", release.Body, StringComparison.Ordinal);
        Assert.True(release.ReceivedAt >= timeline.Jobs.Max(j => j.End));
        Assert.False(agent.Model.IsProtected);
        Assert.Contains("gaps while jobs ran: 0", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SIGTERM_in_the_middle_of_a_job_lets_it_finish_then_releases_and_exits_0()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using ChildProcess worker = Start(agent, "--jobs", "3", "--job-seconds", "3", "--concurrency", "1");
        await worker.WaitForLineAsync("job 1 STARTED", Bound);

        worker.Signal("TERM");
        (int exitCode, _) = await worker.WaitForExitAsync(Bound);

        Assert.True(exitCode == 0, worker.Output);
        Timeline timeline = Timeline.Parse(worker.Output);
        (_, _, DateTimeOffset finished) = Assert.Single(timeline.Jobs);
        Assert.Contains("job 1 checkpoint saved", worker.Output, StringComparison.Ordinal);
        Assert.Contains("2 left queued", worker.Output, StringComparison.Ordinal);
        AgentCall release = agent.Model.Calls[^1];
        Assert.Contains("\"ProtectionEnabled\":false", release.Body, StringComparison.Ordinal);
        Assert.True(release.ReceivedAt >= finished);
    }

    [Fact]
    public async Task Serving_idle_exits_promptly_on_SIGTERM()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using ChildProcess worker = Start(agent, "--serve", "--jobs", "0");
        await worker.WaitForLineAsync("worker started", Bound);

        TimeSpan signalledAt = worker.Elapsed;
        worker.Signal("TERM");
        (int exitCode, TimeSpan exitedAt) = await worker.WaitForExitAsync(Bound);

        Assert.Equal(0, exitCode);
        Assert.True(exitedAt - signalledAt < TimeSpan.FromSeconds(2), $"Took {exitedAt - signalledAt}.");
        Assert.Empty(agent.Model.Calls);
    }

    [Fact]
    public async Task Without_ECS_AGENT_URI_the_demo_runs_on_its_embedded_agent_and_exits_0()
    {
        using ChildProcess worker = Start(null, "--jobs", "2", "--job-seconds", "1");

        (int exitCode, _) = await worker.WaitForExitAsync(Bound);

        Assert.True(exitCode == 0, worker.Output);
        Assert.Contains("Agent: embedded FakeEcsAgent at http://127.0.0.1:", worker.Output, StringComparison.Ordinal);
        Assert.Matches(@"protection ACQUIRED[\s\S]*job \d STARTED[\s\S]*protection RELEASED", worker.Output);
        Assert.Contains("summary: 2 jobs finished, 0 left queued, 2 agent calls", worker.Output, StringComparison.Ordinal);
        Assert.Contains("gaps while jobs ran: 0", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_otel_console_the_metrics_and_traces_are_written_as_a_dashboard_would_get_them()
    {
        using ChildProcess worker = Start(null, "--jobs", "1", "--job-seconds", "1", "--otel", "console");

        (int exitCode, _) = await worker.WaitForExitAsync(Bound);

        Assert.True(exitCode == 0, worker.Output);
        Assert.Contains("Metric Name: taskprotection.agent.calls", worker.Output, StringComparison.Ordinal);
        Assert.Contains("Metric Name: taskprotection.protection.enabled", worker.Output, StringComparison.Ordinal);
        Assert.Matches(@"Activity.DisplayName:\s+TaskProtection.AgentCall", worker.Output);
        Assert.Matches(@"Activity.DisplayName:\s+Transcoder.TranscodeAsync", worker.Output);
    }

    [Fact]
    public async Task With_OTEL_EXPORTER_OTLP_ENDPOINT_the_metrics_and_traces_go_to_the_collector()
    {
        using var collector = new System.Net.HttpListener();
        int port = FreePort();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var paths = new System.Collections.Concurrent.ConcurrentBag<string>();
        Task receiving = ReceiveAsync(collector, paths);
        using ChildProcess worker = StartWith(
            null,
            new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}", ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf" },
            "--jobs", "1", "--job-seconds", "1");

        (int exitCode, _) = await worker.WaitForExitAsync(Bound);
        collector.Stop();
        await receiving;

        Assert.True(exitCode == 0, worker.Output);
        Assert.Contains("/v1/traces", paths);
        Assert.Contains("/v1/metrics", paths);
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static async Task ReceiveAsync(System.Net.HttpListener collector, System.Collections.Concurrent.ConcurrentBag<string> paths)
    {
        while (collector.IsListening)
        {
            try
            {
                System.Net.HttpListenerContext context = await collector.GetContextAsync();
                paths.Add(context.Request.Url!.AbsolutePath);
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
            catch (Exception ex) when (ex is System.Net.HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
        }
    }

    [Theory]
    [InlineData("--otel", "file", "--otel takes 'console'")]
    [InlineData("--jobs", "many", "--jobs needs a whole number ≥ 0.")]
    [InlineData("--concurrency", "0", "--concurrency needs a whole number ≥ 1.")]
    [InlineData("--bogus", "", "Unknown argument '--bogus'.")]
    public async Task Bad_arguments_are_refused_with_usage_and_exit_code_2(string name, string value, string message)
    {
        using ChildProcess worker = Start(null, value.Length == 0 ? [name] : [name, value]);
        (int exitCode, _) = await worker.WaitForExitAsync(Bound);
        Assert.Equal(2, exitCode);
        Assert.Contains(message, worker.Output, StringComparison.Ordinal);
        Assert.Contains("Usage: dotnet run --project samples/VideoWorker", worker.Output, StringComparison.Ordinal);
    }

    /// <summary>The sample's timeline, turned back into absolute times.</summary>
    private sealed partial record Timeline(DateTimeOffset StartedAt, IReadOnlyList<(int Number, DateTimeOffset Start, DateTimeOffset End)> Jobs)
    {
        public static Timeline Parse(string output)
        {
            DateTimeOffset startedAt = DateTimeOffset.Parse(StartLine().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
            var starts = new Dictionary<int, DateTimeOffset>();
            var jobs = new List<(int, DateTimeOffset, DateTimeOffset)>();
            foreach (Match match in EventLine().Matches(output))
            {
                DateTimeOffset at = startedAt + TimeSpan.FromSeconds(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
                int number = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
                if (match.Groups[3].Value == "STARTED")
                {
                    starts[number] = at;
                }
                else
                {
                    jobs.Add((number, starts[number], at));
                }
            }

            return new Timeline(startedAt, jobs);
        }

        [GeneratedRegex(@"timeline starts at (\S+)")]
        private static partial Regex StartLine();

        [GeneratedRegex(@"\[\s*([0-9.]+)s\] job (\d+) (STARTED|FINISHED)")]
        private static partial Regex EventLine();
    }
}
