using System.Globalization;

namespace TaskProtection.TestHost;

/// <summary>
/// A process whose thread pool is starved while protection needs the loop: every worker thread blocks, so nothing that
/// waits for the pool (its timers, its continuations, its sockets) runs. The application must still be told on time.
/// Prints PROTECTED (acquired, with the lease's end), STARVED, then LOST with the time it was told, or NOT TOLD.
/// </summary>
/// <remarks>
/// <c>acquire</c>: a synchronous session enters with the pool already starved, AcquireTimeout 2 s; the agent never
/// answers. <c>lapse</c>: a session is protected, then the pool starves and the agent stops answering; the lease is one
/// minute, and the application must hear of the lapse before it ends.
/// </remarks>
internal static class StarvedWorker
{
    /// <summary>Runs on the process's main thread, which is not a pool thread, from start to end.</summary>
    public static int Run(string scenario)
    {
        bool lapse = scenario == "lapse";
        var options = lapse
            ? new TaskProtectionOptions
            {
                ExtensionInterval = TimeSpan.FromSeconds(10),
                ProtectionBuffer = TimeSpan.FromSeconds(50),
                CheckInterval = TimeSpan.FromSeconds(30),
                RequestTimeout = TimeSpan.FromSeconds(6),
            }
            : new TaskProtectionOptions { AcquireTimeout = TimeSpan.FromSeconds(2) };
        var agent = new Uri(Environment.GetEnvironmentVariable("ECS_AGENT_URI")!);
        var registry = new CriticalSessionRegistry();
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var manager = new TaskProtectionManager(new EcsAgentClient(http, agent, options.RequestTimeout), options, registry);
        manager.StartAsync().GetAwaiter().GetResult();
        CancellationToken lost = manager.ProtectionLostToken;
        if (lapse)
        {
            using CriticalSession session = registry.EnterAsync("job").AsTask().GetAwaiter().GetResult();
            Output.Line("PROTECTED " + manager.GetStatus().ExpiresAt!.Value.ToString("O", CultureInfo.InvariantCulture));
            Output.Line("STARVED " + Starve());
            return WaitToBeTold(lost);
        }
        else
        {
            Output.Line("STARVED " + Starve());
            using CriticalSession session = registry.Enter("job");
            return WaitToBeTold(lost);
        }
    }

    /// <summary>Watched from the main thread: the pool cannot run anything now. Exits at once, as the pool cannot stop anything either.</summary>
    private static int WaitToBeTold(CancellationToken lost)
    {
        bool told = SpinWait.SpinUntil(() => lost.IsCancellationRequested, TimeSpan.FromSeconds(90));
        Output.Line(told ? "LOST " + DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) : "NOT TOLD");
        Environment.Exit(told ? 0 : 1);
        return 1;
    }

    /// <summary>Blocks every thread-pool worker, for good: the pool may not grow past them.</summary>
    private static int Starve()
    {
        int workers = Environment.ProcessorCount;
        ThreadPool.SetMinThreads(workers, workers);
        if (!ThreadPool.SetMaxThreads(workers, workers))
        {
            throw new InvalidOperationException("The thread pool cannot be capped at " + workers + " threads.");
        }

        var forever = new ManualResetEventSlim();
        using var allBlocked = new CountdownEvent(workers);
        for (int i = 0; i < workers; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(
                _ =>
                {
                    allBlocked.Signal();
                    forever.Wait();
                },
                null);
        }

        if (!allBlocked.Wait(TimeSpan.FromSeconds(30)))
        {
            throw new InvalidOperationException("The thread pool's workers did not all start.");
        }

        return workers;
    }
}
