using TaskProtection.Fleet.Engine;
using TaskProtection.Testing;

namespace TaskProtection.Fleet.Ecs;

/// <summary>
/// ECS's side of every protection call: the agent's per-task limiter (429), the account's UpdateTaskProtection rate
/// (ThrottlingException), DEPLOYMENT_BLOCKED for a task the deployment may not keep, and a latency each way. Decided
/// when a call is sent.
/// </summary>
internal sealed class EcsRules(FleetConfig config, FleetClock clock, Func<SimTask, bool> deploymentBlocks)
{
    private readonly TokenBucket _account = new(config.AccountRatePerSecond, config.EffectiveAccountBurst);
    private readonly Random _random = new(config.Seed * 7919);

    public void Attach(SimTask task)
    {
        task.AgentLimiter = new TokenBucket(config.AgentRatePerSecond, config.AgentBurst);
        task.Model.FaultPolicy = context => Decide(task, context);
    }

    private AgentFault Decide(SimTask task, AgentCallContext context)
    {
        TimeSpan now = clock.Elapsed;
        TimeSpan there = Latency();
        TimeSpan back = Latency();
        if (!task.AgentLimiter!.TryTake(now))
        {
            return new AgentFault(AgentFaultKind.TooManyRequests, there, back);
        }

        if (context.Method != "PUT")
        {
            return AgentFault.Latency(there, back);
        }

        if (!_account.TryTake(now))
        {
            return new AgentFault(AgentFaultKind.Throttling, there, back);
        }

        bool enable = context.Body.Contains("\"ProtectionEnabled\":true", StringComparison.Ordinal);
        return enable && !task.Model.IsProtected && deploymentBlocks(task)
            ? new AgentFault(AgentFaultKind.DeploymentBlocked, there, back)
            : AgentFault.Latency(there, back);
    }

    private TimeSpan Latency() =>
        config.LatencyMin + TimeSpan.FromTicks((long)((config.LatencyMax - config.LatencyMin).Ticks * _random.NextDouble()));
}
