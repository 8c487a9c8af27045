using Microsoft.Extensions.Time.Testing;
using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Simulation;

/// <summary>What a design did on a workload: its agent calls and the agent's unprotected stretches.</summary>
public sealed record DesignRun(int AgentCalls, IReadOnlyList<Stretch> Unprotected);

/// <summary>
/// The designs TaskProtection is compared with, run against the same agent model as the manager. Both request the same
/// 7-minute lease (5 min extension + 2 min buffer) and see an agent that answers at once.
/// </summary>
public static class ComparisonDesigns
{
    private const int LeaseMinutes = 7;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(LeaseMinutes);
    /// <summary>The reference design's check period: the longest it holds protection after the work ends.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Buffer = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Extension = TimeSpan.FromSeconds(300);

    /// <summary>
    /// The reference design (the simple loop TaskProtection is measured against): a session that starts while protection is off enables it; a background check
    /// every 60 s extends protection when at most the 120 s buffer is left and sessions are active, and disables it when
    /// none is.
    /// </summary>
    public static DesignRun Reference(IReadOnlyList<SimSession> sessions)
    {
        var events = new List<Event>();
        AddSessionEvents(events, sessions);
        TimeSpan lastEnd = sessions.Max(static s => s.Start + s.Length);
        for (TimeSpan tick = CheckInterval; tick <= lastEnd + CheckInterval; tick += CheckInterval)
        {
            events.Add(new Event(tick, EventKind.Check, -1));
        }

        int active = 0;
        bool enabled = false;
        TimeSpan expiry = TimeSpan.Zero;
        return Run(events, (agent, e) =>
        {
            switch (e.Kind)
            {
                case EventKind.End:
                    active--;
                    break;
                case EventKind.Start:
                    active++;
                    if (!enabled)
                    {
                        agent.Enable();
                        (enabled, expiry) = (true, e.At + Lease);
                    }

                    break;
                case EventKind.Check when active > 0 && expiry - e.At <= Buffer:
                    agent.Enable();
                    expiry = e.At + Lease;
                    break;
                case EventKind.Check when active == 0 && enabled:
                    agent.Disable();
                    enabled = false;
                    break;
            }
        });
    }

    /// <summary>
    /// Protection written by hand around each job, as often seen: enable when the job starts, renew every 5 min while it
    /// runs, disable when it ends. Without a count of running jobs, one job ending disables protection for the others.
    /// </summary>
    public static DesignRun PerJob(IReadOnlyList<SimSession> sessions)
    {
        var events = new List<Event>();
        AddSessionEvents(events, sessions);
        for (int i = 0; i < sessions.Count; i++)
        {
            for (TimeSpan renewal = sessions[i].Start + Extension; renewal < sessions[i].Start + sessions[i].Length; renewal += Extension)
            {
                events.Add(new Event(renewal, EventKind.Check, i));
            }
        }

        return Run(events, (agent, e) =>
        {
            if (e.Kind == EventKind.End)
            {
                agent.Disable();
            }
            else
            {
                agent.Enable();
            }
        });
    }

    private static void AddSessionEvents(List<Event> events, IReadOnlyList<SimSession> sessions)
    {
        for (int i = 0; i < sessions.Count; i++)
        {
            events.Add(new Event(sessions[i].Start, EventKind.Start, i));
            events.Add(new Event(sessions[i].Start + sessions[i].Length, EventKind.End, i));
        }
    }

    private static DesignRun Run(List<Event> events, Action<Agent, Event> handle)
    {
        // At one instant: sessions end, then start, then the check runs (the order the kinds are declared in).
        events.Sort(static (a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Kind.CompareTo(b.Kind));
        var time = new FakeTimeProvider(SimulatedClock.Epoch);
        var model = new ProtectionModel(time);
        var agent = new Agent(new InMemoryTaskProtectionClient(model));
        foreach (Event e in events)
        {
            time.SetUtcNow(SimulatedClock.Epoch + e.At);
            handle(agent, e);
        }

        return new DesignRun(model.Calls.Count, Stretch.Unprotected(model, SimulatedClock.Epoch));
    }

    private enum EventKind
    {
        End,
        Start,
        Check,
    }

    private readonly record struct Event(TimeSpan At, EventKind Kind, int Session);

    /// <summary>Calls the in-memory agent, which answers synchronously when no fault is set.</summary>
    private sealed class Agent(InMemoryTaskProtectionClient client)
    {
        public void Enable() => Complete(client.EnableAsync(LeaseMinutes, CancellationToken.None));

        public void Disable() => Complete(client.DisableAsync(CancellationToken.None));

        private static void Complete(Task<TaskProtectionState> call)
        {
            if (!call.IsCompleted)
            {
                throw new InvalidOperationException("The in-memory agent was expected to answer synchronously.");
            }

            call.GetAwaiter().GetResult();
        }
    }
}
