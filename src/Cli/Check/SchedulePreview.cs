using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using TaskProtection.Simulation;
using TaskProtection.Testing;

namespace TaskProtection.Cli.Check;

/// <summary>
/// Runs the real <see cref="TaskProtectionManager"/> against the in-memory agent on a simulated clock, with one
/// session held for the horizon and then left, and reads back the agent's record: the timeline is the schedule the
/// library would really follow, not a formula's idea of it.
/// </summary>
internal static class SchedulePreview
{
    public static ScheduleTimeline Run(TaskProtectionOptions options, TimeSpan horizon)
    {
        var scheduler = new ManualTaskScheduler();
        var clock = new SimulatedClock(scheduler);
        DateTimeOffset start = clock.GetUtcNow();
        var model = new ProtectionModel(clock);
        var registry = new CriticalSessionRegistry(clock);
        var told = new List<Told>();
        var manager = new TaskProtectionManager(
            new InMemoryTaskProtectionClient(model), options, registry, clock, NullLogger.Instance,
            scheduler, jitter: static () => 0.5, validate: true);
        manager.ProtectionLost += (_, lost) => told.Add(new Told(clock.GetUtcNow() - start, lost.Reason));
        manager.StartAsync().GetAwaiter().GetResult();
        scheduler.RunUntilIdle();

        Task<CriticalSession> entering = registry.EnterAsync("check").AsTask();
        scheduler.RunUntilIdle();
        clock.AdvanceTo(start + horizon);
        if (!entering.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException($"The simulated session did not start: {entering.Exception?.GetBaseException().Message ?? "still waiting"}.");
        }

        entering.Result.Dispose();
        scheduler.RunUntilIdle();
        TimeSpan end = horizon + options.ReleaseDelay + TimeSpan.FromSeconds(1);
        clock.AdvanceTo(start + end);
        return Read(model, start, options, horizon, end, told);
    }

    private static ScheduleTimeline Read(ProtectionModel model, DateTimeOffset start, TaskProtectionOptions options, TimeSpan horizon, TimeSpan end, List<Told> told)
    {
        var enables = new List<LeaseCall>();
        var releases = new List<TimeSpan>();
        bool protectedNow = false;
        foreach (AgentCall call in model.Calls.Where(c => c.Method == "PUT" && c.StatusCode == 200))
        {
            using JsonDocument body = JsonDocument.Parse(call.Body);
            TimeSpan at = call.ReceivedAt - start;
            if (body.RootElement.GetProperty("ProtectionEnabled").GetBoolean())
            {
                int minutes = body.RootElement.GetProperty("ExpiresInMinutes").GetInt32();
                enables.Add(new LeaseCall(at, minutes, at + TimeSpan.FromMinutes(minutes), Acquire: !protectedNow || enables[^1].LeaseEnds <= at));
                protectedNow = true;
            }
            else
            {
                releases.Add(at);
                protectedNow = false;
            }
        }

        List<Stretch> unprotected = [.. model.UnprotectedIntervals(start)
            .Select(i => new Stretch(i.From - start, i.To == DateTimeOffset.MaxValue ? end : i.To - start))
            .Where(s => s.To > s.From)];
        return new ScheduleTimeline(options, horizon, end, enables, releases, unprotected, told);
    }
}
