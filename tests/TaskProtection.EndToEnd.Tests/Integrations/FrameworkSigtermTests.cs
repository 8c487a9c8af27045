using System.Globalization;
using TaskProtection.Testing;
using TaskProtection.Tests.Processes;
using TaskProtection.Tests.Shared;

namespace TaskProtection.Tests.Integrations;

/// <summary>A real worker process of each framework (TestHost <c>--quartz</c>, <c>--hangfire</c>, <c>--masstransit</c>) sent SIGTERM mid-job, as ECS does on scale-in.</summary>
[Collection(ChildProcessGroup.Name)]
public sealed class FrameworkSigtermTests
{
    [Theory]
    [InlineData("--quartz")]
    [InlineData("--hangfire")]
    [InlineData("--masstransit")]
    public async Task SIGTERM_mid_job_lets_the_job_finish_protected_then_releases_and_exits_0(string framework)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no SIGTERM to send
        }

        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        using ChildProcess worker = ChildProcess.StartDotnet(
            ChildProcess.BuiltAssembly("TaskProtection.TestHost"),
            [framework, "3"],
            new Dictionary<string, string> { ["ECS_AGENT_URI"] = agent.AgentUri.ToString(), ["DOTNET_NOLOGO"] = "1" });
        await worker.WaitForLineAsync("JOB STARTED", TimeSpan.FromSeconds(30));
        DateTimeOffset since = agent.Model.Calls[0].ReceivedAt;
        Assert.True(agent.Model.IsProtected, "The job started before protection was confirmed.");

        worker.Signal("TERM");
        await worker.WaitForLineAsync("[1060]", TimeSpan.FromSeconds(15));
        Assert.True(agent.Model.IsProtected, "Protection must hold while the job drains.");
        (int exitCode, _) = await worker.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(0, exitCode);
        (_, string ended) = await worker.WaitForLineAsync("JOB ENDED", TimeSpan.FromSeconds(1));
        DateTimeOffset endedAt = DateTimeOffset.Parse(ended["JOB ENDED ".Length..], CultureInfo.InvariantCulture);
        AgentCall release = Assert.Single(agent.Model.Calls, c => c.Body.Contains("\"ProtectionEnabled\":false", StringComparison.Ordinal));
        Assert.True(release.ReceivedAt >= endedAt, $"Released at {release.ReceivedAt:O}, before the job ended at {endedAt:O}.");
        Assert.DoesNotContain(agent.Model.UnprotectedIntervals(since), g => g.From < endedAt);
        Assert.False(agent.Model.IsProtected);
    }
}
