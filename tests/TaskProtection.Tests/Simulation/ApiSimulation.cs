using TaskProtection.Testing;

namespace TaskProtection.Tests.Simulation;

/// <summary>
/// The manager's ECS API backend in the simulations: the real <see cref="EcsApiTaskProtectionClient"/> over an
/// <see cref="EcsApiModel"/> in memory, whose task's protection is the simulation's own <see cref="ProtectionModel"/>
/// (so the invariant is judged by the same record), with the API's faults: throttling, server errors, refusals as
/// failures or access denied, calls that never arrive, calls that land after the client gave up, and latency.
/// </summary>
internal static class ApiSimulation
{
    private const string Cluster = "simulated";
    private static readonly string[] Retryable = ["ThrottlingException", "ServerException", "ServiceUnavailableException"];
    private static readonly string[] Failures = ["DEPLOYMENT_BLOCKED", "TASK_NOT_VALID"];

    public static ITaskProtectionClient ClientFor(ProtectionModel task, Random random, FaultMix mix, TaskProtectionOptions options)
    {
        var api = new EcsApiModel(task.TimeProvider);
        api.AddTaskWith(Cluster, "workers", task);
        api.FaultPolicy = _ => NextFault(random, mix, options);
        return api.CreateInMemoryClient(options.RequestTimeout).ForTask(Cluster, task.TaskArn);
    }

    private static EcsApiFault? NextFault(Random random, FaultMix mix, TaskProtectionOptions options)
    {
        TimeSpan max = options.RequestTimeout - TimeSpan.FromMilliseconds(1);
        int draw = random.Next(1000);
        if ((draw -= mix.Refused) < 0)
        {
            return random.Next(3) == 0
                ? new EcsApiFault("AccessDeniedException", max * random.NextDouble())
                : new EcsApiFault(RequestDelay: max * random.NextDouble(), FailureReason: Failures[random.Next(Failures.Length)]);
        }

        if ((draw -= mix.LateLanding) < 0)
        {
            // Lands at most LateLandingWindow after the client gave up, at RequestTimeout.
            return new EcsApiFault(RequestDelay: (options.RequestTimeout + GapBudget.LateLandingWindow) * random.NextDouble(), NoResponse: true);
        }

        if (draw - mix.Retryable < 0)
        {
            return random.Next(4) == 0
                ? new EcsApiFault(RequestDelay: options.RequestTimeout * 10)
                : new EcsApiFault(Retryable[random.Next(Retryable.Length)], max * random.NextDouble());
        }

        TimeSpan total = max * random.NextDouble();
        TimeSpan request = total * random.NextDouble();
        return EcsApiFault.Latency(request, total - request);
    }
}
