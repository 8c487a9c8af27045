using System.Globalization;

namespace TaskProtection;

/// <summary>Tells running sessions that protection is lost, and counts lapses. Loop only.</summary>
internal sealed class LossReporter(ManagerContext context, LoopState state, LoopStatus status, object owner)
{
    /// <summary>
    /// The lease ends (within the timer tolerance) with no renewal confirmed while sessions run: count one lapse per lease,
    /// mark protection lost and tell the application, before the lease is over.
    /// </summary>
    public void ReportLapse()
    {
        if (state.LapseReported)
        {
            return;
        }

        // Close coverage before counting running sessions (see ManagerContext.RunningSessions); with none, nothing ran
        // through it: the sessions still waiting simply wait on.
        context.Gate.Close(context.Clock.Now);
        if (context.RunningSessions == 0)
        {
            return;
        }

        // Tell first, count after: a metrics listener that throws must not keep the sessions from hearing of it.
        state.Lost = true;
        string why = "the lease ends and no renewal was confirmed in time" + (state.LastError is null ? string.Empty : " (last error: " + state.LastError + ")");
        Raise(ProtectionLossReason.Lapsed, why, null);
        state.LapseReported = true;
        state.Lapses++;
        context.Metrics.Lapse();
    }

    /// <summary>Sessions that did not wait have run unconfirmed for AcquireTimeout: tell the application.</summary>
    public void ReportNotConfirmed() =>
        Raise(ProtectionLossReason.NotConfirmed, $"protection was not confirmed within AcquireTimeout ({context.Options.AcquireTimeout}) while sessions ran", null);

    /// <summary>Continuous protection cannot go past the cap: tell running sessions when it ends and when it may resume.</summary>
    public void ReportCap()
    {
        context.Gate.Close(context.Clock.Now);
        int running = context.RunningSessions;
        if (running > 0)
        {
            Raise(ProtectionLossReason.MaxDurationReached, CapWhy(), null);
        }

        context.Metrics.Capped(running);
    }

    public string CapWhy()
    {
        ManagerClock clock = context.Clock;
        long now = clock.Now;
        DateTimeOffset utcNow = clock.UtcNow;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"continuous protection reaches MaxProtectionDuration ({context.Options.MaxProtectionDuration}) and ends at {clock.ToUtc(state.Lease.Expiry, now, utcNow):O}; it may be acquired again from {clock.ToUtc(state.CooldownUntil, now, utcNow):O}");
    }

    /// <summary>Publishes the mode, raises the signal (once per epoch) and wakes waiting sessions to see the new mode.</summary>
    public void Raise(ProtectionLossReason reason, string why, Exception? error)
    {
        status.Publish();
        context.Signal.TryRaise(owner, reason, why, error, context.Registry.GetActiveSessions());
        context.Gate.Pulse();
    }
}
