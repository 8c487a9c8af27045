using Microsoft.Extensions.Diagnostics.HealthChecks;
using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Observability;

public sealed class HealthCheckTests
{
    private static async Task<HealthCheckResult> Check(Harness h, HealthStatus failureStatus = HealthStatus.Unhealthy)
    {
        var check = new TaskProtectionHealthCheck(h.Manager);
        var context = new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("task-protection", check, failureStatus, tags: null),
        };
        return await check.CheckHealthAsync(context);
    }

    [Fact]
    public async Task Healthy_when_idle_or_protected()
    {
        await using var h = new Harness();
        Assert.Equal(HealthStatus.Healthy, (await Check(h)).Status);

        using CriticalSession session = h.Entered();
        HealthCheckResult protectedResult = await Check(h);
        Assert.Equal(HealthStatus.Healthy, protectedResult.Status);
        Assert.Equal("Protected", protectedResult.Data["mode"]);
        Assert.Equal(true, protectedResult.Data["protectionEnabled"]);
        Assert.Equal(1, protectedResult.Data["activeSessions"]);
    }

    [Fact]
    public async Task Healthy_without_an_agent()
    {
        await using var h = new Harness(withClient: false);
        HealthCheckResult result = await Check(h);
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Contains("without an agent", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Degraded_while_retrying()
    {
        await using var h = new Harness();
        using CriticalSession session = h.Entered();
        h.Model.Enqueue(AgentFaultKind.ServerError, 2);
        h.AdvanceTo(TimeSpan.FromSeconds(300));

        HealthCheckResult result = await Check(h);
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.StartsWith("Retrying: 1 agent calls failed in a row (tolerated: 5)", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unhealthy_or_the_registered_failure_status_when_protection_is_lost()
    {
        await using var h = new Harness();
        using CriticalSession session = h.Entered();
        h.Model.Enqueue(AgentFaultKind.DeploymentBlocked);
        h.AdvanceTo(TimeSpan.FromSeconds(300));

        HealthCheckResult result = await Check(h);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("DEPLOYMENT_BLOCKED", result.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Degraded, (await Check(h, HealthStatus.Degraded)).Status);
    }

    [Fact]
    public async Task Degraded_when_not_running()
    {
        var h = new Harness();
        await h.DisposeAsync();
        Assert.Equal(HealthStatus.Degraded, (await Check(h)).Status);
    }
}
