using System.Globalization;
using System.Text.RegularExpressions;
using TaskProtection.Testing;
using TaskProtection.Tests.Shared;

namespace TaskProtection.Tests.Processes;

/// <summary>
/// Several real processes of one task (TaskProtection.TestHost in its coordinated mode) share one coordination directory
/// and one FakeEcsAgent, with overlapping sessions; one is killed with SIGKILL mid-session and one stopped with SIGTERM
/// mid-session. Judged by the agent's record: no session body of a live process runs unprotected unless that process
/// was told first, and the task is released soon after its last session ends.
/// </summary>
[Collection(ChildProcessGroup.Name)]
public sealed partial class CoordinatedProcessesTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory = Directory.CreateTempSubdirectory("taskprotection-coordination-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Processes_sharing_a_directory_never_release_each_others_protection_even_when_one_is_killed()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        var workers = new List<ChildProcess>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                workers.Add(ChildProcess.StartDotnet(
                    ChildProcess.BuiltAssembly("TaskProtection.TestHost"),
                    ["--coordinated", (17 + i).ToString(CultureInfo.InvariantCulture), "3"],
                    new Dictionary<string, string>
                    {
                        ["ECS_AGENT_URI"] = agent.AgentUri.ToString(),
                        ["TaskProtection__CoordinationDirectory"] = _directory,
                        ["DOTNET_NOLOGO"] = "1",
                    }));
            }

            ChildProcess killed = workers[1];
            ChildProcess stopped = workers[2];
            await killed.WaitForLineAsync("ENTER", Bound);
            DateTimeOffset killedAt = DateTimeOffset.UtcNow;
            killed.Signal("KILL");
            await stopped.WaitForLineAsync("ENTER", Bound);
            stopped.Signal("TERM");

            var live = new[] { workers[0], stopped, workers[3] };
            foreach (ChildProcess worker in live)
            {
                (int exitCode, _) = await worker.WaitForExitAsync(Bound);
                Assert.True(exitCode == 0, worker.Output);
            }

            AssertNoLiveSessionRanUnprotectedUntold(agent.Model, live);
            AssertReleasedSoonAfterTheLastSession(agent.Model, live, killedAt);
        }
        finally
        {
            foreach (ChildProcess worker in workers)
            {
                worker.Dispose();
            }
        }
    }

    private static void AssertNoLiveSessionRanUnprotectedUntold(ProtectionModel model, IEnumerable<ChildProcess> live)
    {
        IReadOnlyList<UnprotectedInterval> gaps = model.UnprotectedIntervals(DateTimeOffset.UnixEpoch);
        int sessions = 0;
        foreach (ChildProcess worker in live)
        {
            DateTimeOffset? toldAt = Stamps(worker.Output, ToldLine()).Select(static t => (DateTimeOffset?)t.At).FirstOrDefault();
            foreach ((DateTimeOffset from, DateTimeOffset to) in Sessions(worker.Output))
            {
                sessions++;
                foreach (UnprotectedInterval gap in gaps.Where(g => g.From < to && g.To > from))
                {
                    DateTimeOffset start = gap.From > from ? gap.From : from;
                    Assert.True(
                        toldAt is { } told && told <= start,
                        $"A session ran [{from:HH:mm:ss.fff}, {to:HH:mm:ss.fff}) while the task was unprotected from {start:HH:mm:ss.fff}, untold. Calls: {Describe(model)}{Environment.NewLine}{worker.Output}");
                }
            }
        }

        Assert.True(sessions >= 6, $"Only {sessions} sessions of live processes ran.");
    }

    private static void AssertReleasedSoonAfterTheLastSession(ProtectionModel model, IEnumerable<ChildProcess> live, DateTimeOffset killedAt)
    {
        Assert.False(model.IsProtected, "The task was left protected.");
        DateTimeOffset lastEnd = live.SelectMany(static w => Sessions(w.Output)).Max(static s => s.To);
        if (killedAt > lastEnd)
        {
            lastEnd = killedAt;
        }

        AgentCall release = model.Calls.Last(static c => c.Body.Contains("\"ProtectionEnabled\":false", StringComparison.Ordinal));
        Assert.True(release.ReceivedAt >= lastEnd, $"Released at {release.ReceivedAt:O}, before the last session ended at {lastEnd:O}.");

        // ReleaseDelay (1 s) plus one call, with room for a loaded machine.
        Assert.True(release.ReceivedAt - lastEnd < TimeSpan.FromSeconds(6), $"Released {release.ReceivedAt - lastEnd} after the last session ended.");
    }

    private static IEnumerable<(DateTimeOffset From, DateTimeOffset To)> Sessions(string output)
    {
        Dictionary<string, DateTimeOffset> entered = Stamps(output, EnterLine()).ToDictionary(static s => s.Id, static s => s.At);
        foreach ((string id, DateTimeOffset at) in Stamps(output, ExitLine()))
        {
            yield return (entered[id], at);
        }
    }

    private static IEnumerable<(string Id, DateTimeOffset At)> Stamps(string output, Regex line) =>
        line.Matches(output).Select(static m => (m.Groups["id"].Value, DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(m.Groups["ms"].Value, CultureInfo.InvariantCulture))));

    private static string Describe(ProtectionModel model) =>
        string.Join(", ", model.Calls.Select(static c => $"{c.ReceivedAt:HH:mm:ss.fff} {c.Method} {c.Body}"));

    [GeneratedRegex(@"^ENTER (?<id>\d+) (?<ms>\d+)", RegexOptions.Multiline)]
    private static partial Regex EnterLine();

    [GeneratedRegex(@"^EXIT (?<id>\d+) (?<ms>\d+)", RegexOptions.Multiline)]
    private static partial Regex ExitLine();

    [GeneratedRegex(@"^TOLD (?<ms>\d+)(?<id>)", RegexOptions.Multiline)]
    private static partial Regex ToldLine();
}
