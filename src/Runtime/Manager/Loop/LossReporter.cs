namespace TaskProtection;

/// <summary>Decides whether an end of protection is a loss worth telling the application, and tells it. Loop only.</summary>
internal sealed class LossReporter(ManagerContext context, object owner)
{
    /// <summary>Leases that ran out while sessions were active.</summary>
    public long Lapses { get; private set; }

    /// <summary>The lease ended; a lapse if a session that may have passed the gate is still running.</summary>
    public void OnLeaseEnded(int active, bool capped)
    {
        // A lease that ends while only sessions admitted after the gate closed are active (they are still waiting in
        // EnterAsync, say after an idle spell let the lease run down) ends nothing that ran: that is an acquire, not a lapse.
        if (active > 0 && AnySessionMayHavePassedTheGate())
        {
            Lapses++;
            context.Metrics.Lapse();
            context.State.SetMode(ProtectionMode.Lost);
            Raise(
                capped ? ProtectionLossReason.MaxDurationReached : ProtectionLossReason.Lapsed,
                capped ? "continuous protection reached MaxProtectionDuration and the last lease ran out" : "the lease ran out while sessions were active",
                null);
        }
    }

    public void Raise(ProtectionLossReason reason, string why, Exception? error)
    {
        if (context.Signal.IsRaised)
        {
            return;
        }

        context.Signal.TryRaise(owner, reason, why, error, context.Registry.GetActiveSessions());
        context.Gate.Pulse();
    }

    /// <summary>Whether an active session started before the gate last closed (compared by age: the registry may use another clock).</summary>
    private bool AnySessionMayHavePassedTheGate()
    {
        ManagerClock clock = context.Clock;
        long closesAt = context.Gate.ClosesAt;
        TimeSpan sinceClosed = closesAt == long.MinValue ? TimeSpan.MaxValue : clock.ToSpan(Math.Max(0, clock.Now - closesAt));
        foreach (ActiveSessionInfo session in context.Registry.GetActiveSessions())
        {
            if (session.Age >= sinceClosed)
            {
                return true;
            }
        }

        return false;
    }
}
