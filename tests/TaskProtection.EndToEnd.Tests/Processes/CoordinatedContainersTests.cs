using System.Globalization;
using System.Text.RegularExpressions;
using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;
using TaskProtection.Tests.Shared;

namespace TaskProtection.Tests.Processes;

/// <summary>
/// Real processes of one task as its containers run them: as different users, or each PID 1 in its own PID namespace,
/// sharing one coordination directory (a task volume) and one FakeEcsAgent. Each holds one session until the test lets
/// it go (TaskProtection.TestHost --hold). Judged by the agent's record.
/// </summary>
[Collection(ChildProcessGroup.Name)]
public sealed partial class CoordinatedContainersTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private const string Release = "\"ProtectionEnabled\":false";
    private readonly string _volume;
    private readonly string _signals;

    public CoordinatedContainersTests()
    {
        // A task volume every container's user may write, as a bind-mounted or EFS volume is set up: mode 1777.
        _volume = Directory.CreateTempSubdirectory("taskprotection-volume-").FullName;
        _signals = Directory.CreateTempSubdirectory("taskprotection-signals-").FullName;
        const UnixFileMode everyone = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_volume, everyone | UnixFileMode.StickyBit);
            File.SetUnixFileMode(_signals, everyone);
        }
    }

    public void Dispose()
    {
        Directory.Delete(_volume, recursive: true);
        Directory.Delete(_signals, recursive: true);
    }

    [LinuxRootTheory("setpriv")]
    [InlineData(1000, 65534)]
    [InlineData(0, 65534)] // A sidecar as root, the app as nobody: root's files must be the other user's too.
    public async Task Containers_running_as_different_users_share_protection_and_neither_releases_the_others(int firstUid, int secondUid)
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using ChildProcess first = Hold(agent, "first", AsUser(firstUid));
        await first.WaitForLineAsync("ENTER", Bound);
        using ChildProcess second = Hold(agent, "second", AsUser(secondUid));
        await second.WaitForLineAsync("ENTER", Bound);

        // The second user's files are the first one's: it could read, lock and write them, or it would not have entered.
        Assert.NotEqual(Who(first)["user"], Who(second)["user"]);
        await LetGoAsync(second, "second");
        Assert.Empty(Releases(agent));
        Assert.Contains("Release not sent", second.Output, StringComparison.Ordinal);
        Assert.True(agent.Model.IsProtected);

        await LetGoAsync(first, "first");
        AssertReleasedAfterTheLastSession(agent, first);
        AssertNoSessionRanUnprotected(agent, first, second);
    }

    [LinuxRootFact("unshare")]
    public async Task Containers_each_pid_1_in_their_own_pid_namespace_are_told_apart_and_share_protection()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using ChildProcess first = Hold(agent, "first", OwnPidNamespace());
        await first.WaitForLineAsync("ENTER", Bound);
        using ChildProcess second = Hold(agent, "second", OwnPidNamespace());
        await second.WaitForLineAsync("ENTER", Bound);

        Assert.Equal("1", Who(first)["pid"]);
        Assert.Equal("1", Who(second)["pid"]);
        Assert.NotEqual(Who(first)["participant"], Who(second)["participant"]);
        await LetGoAsync(second, "second");
        Assert.Empty(Releases(agent));
        Assert.True(agent.Model.IsProtected);

        await LetGoAsync(first, "first");
        AssertReleasedAfterTheLastSession(agent, first);
        AssertNoSessionRanUnprotected(agent, first, second);
    }

    [LinuxRootFact("unshare")]
    public async Task A_force_disable_in_one_container_is_told_in_every_container_before_it_reaches_ECS()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using ChildProcess holding = Hold(agent, "holding", OwnPidNamespace());
        await holding.WaitForLineAsync("ENTER", Bound);
        using ChildProcess forcing = Hold(agent, "forcing", OwnPidNamespace(), "--force-disable-after", "500");

        await forcing.WaitForLineAsync("FORCED", Bound);

        AgentCall disable = Assert.Single(Releases(agent));
        foreach (ChildProcess process in new[] { holding, forcing })
        {
            await process.WaitForLineAsync("TOLD", Bound);
            DateTimeOffset told = Stamp(process, ToldLine());
            Assert.True(told <= disable.ReceivedAt, $"Told at {told:HH:mm:ss.fff}, after the disable reached ECS at {disable.ReceivedAt:HH:mm:ss.fff}.{Environment.NewLine}{process.Output}");
        }

        Assert.False(agent.Model.IsProtected);
        await LetGoAsync(forcing, "forcing");
        await LetGoAsync(holding, "holding");
        Assert.False(agent.Model.IsProtected);
    }

    [LinuxRootFact("unshare")]
    public async Task A_container_started_after_a_force_disable_protects_its_own_session()
    {
        // The override ended the protection in force then; it is no ban on the sessions that come after it.
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using ChildProcess forcing = Hold(agent, "forcing", OwnPidNamespace(), "--force-disable-after", "200");
        await forcing.WaitForLineAsync("FORCED", Bound);
        AgentCall disable = Assert.Single(Releases(agent));
        Assert.False(agent.Model.IsProtected);

        using ChildProcess late = Hold(agent, "late", OwnPidNamespace());
        await late.WaitForLineAsync("ENTER", Bound);

        Assert.True(agent.Model.IsProtected, late.Output);
        Assert.Contains(agent.Model.Calls, c => c.ReceivedAt > disable.ReceivedAt && c.Body.Contains("\"ProtectionEnabled\":true", StringComparison.Ordinal));
        await LetGoAsync(forcing, "forcing");
        await LetGoAsync(late, "late");
        Assert.DoesNotContain("TOLD", late.Output, StringComparison.Ordinal);
        DateTimeOffset entered = Stamp(late, EnterLine());
        DateTimeOffset exited = Stamp(late, ExitLine());
        Assert.DoesNotContain(agent.Model.UnprotectedIntervals(DateTimeOffset.UnixEpoch), g => g.From < exited && g.To > entered);
        Assert.False(agent.Model.IsProtected);
    }

    private static string[] AsUser(int uid) => ["setpriv", $"--reuid={uid}", $"--regid={uid}", "--clear-groups", "--"];

    private static string[] OwnPidNamespace() => ["unshare", "--pid", "--fork", "--"];

    private ChildProcess Hold(FakeEcsAgent agent, string name, string[] launcher, params string[] more) => ChildProcess.StartDotnet(
        ChildProcess.BuiltAssembly("TaskProtection.TestHost"),
        ["--hold", Path.Combine(_signals, name), .. more],
        new Dictionary<string, string>
        {
            ["ECS_AGENT_URI"] = agent.AgentUri.ToString(),
            ["TaskProtection__CoordinationDirectory"] = _volume,
            ["HOME"] = _signals,
            ["DOTNET_CLI_HOME"] = _signals,
            ["DOTNET_NOLOGO"] = "1",
        },
        launcher: launcher);

    private async Task LetGoAsync(ChildProcess process, string name)
    {
        await File.WriteAllTextAsync(Path.Combine(_signals, name), string.Empty);
        (int exitCode, _) = await process.WaitForExitAsync(Bound);
        Assert.True(exitCode == 0, process.Output);
    }

    private static List<AgentCall> Releases(FakeEcsAgent agent) =>
        [.. agent.Model.Calls.Where(static c => c.Body.Contains(Release, StringComparison.Ordinal))];

    private static void AssertReleasedAfterTheLastSession(FakeEcsAgent agent, ChildProcess last)
    {
        AgentCall release = Assert.Single(Releases(agent));
        DateTimeOffset ended = Stamp(last, ExitLine());
        Assert.True(release.ReceivedAt >= ended, $"Released at {release.ReceivedAt:HH:mm:ss.fff}, before the last session ended at {ended:HH:mm:ss.fff}.");
        Assert.False(agent.Model.IsProtected);
    }

    private static void AssertNoSessionRanUnprotected(FakeEcsAgent agent, params ChildProcess[] processes)
    {
        IReadOnlyList<UnprotectedInterval> gaps = agent.Model.UnprotectedIntervals(DateTimeOffset.UnixEpoch);
        foreach (ChildProcess process in processes)
        {
            DateTimeOffset from = Stamp(process, EnterLine());
            DateTimeOffset to = Stamp(process, ExitLine());
            Assert.DoesNotContain(gaps, g => g.From < to && g.To > from);
            Assert.DoesNotContain("TOLD", process.Output, StringComparison.Ordinal);
        }
    }

    private static Dictionary<string, string> Who(ChildProcess process) =>
        WhoLine().Match(process.Output).Groups["pairs"].Value.Split(' ').Select(static p => p.Split('=', 2)).ToDictionary(static p => p[0], static p => p[1]);

    private static DateTimeOffset Stamp(ChildProcess process, Regex line) =>
        DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(line.Match(process.Output).Groups["ms"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^WHO (?<pairs>.+)$", RegexOptions.Multiline)]
    private static partial Regex WhoLine();

    [GeneratedRegex(@"^ENTER \d+ (?<ms>\d+)", RegexOptions.Multiline)]
    private static partial Regex EnterLine();

    [GeneratedRegex(@"^EXIT \d+ (?<ms>\d+)", RegexOptions.Multiline)]
    private static partial Regex ExitLine();

    [GeneratedRegex(@"^TOLD (?<ms>\d+)", RegexOptions.Multiline)]
    private static partial Regex ToldLine();
}
