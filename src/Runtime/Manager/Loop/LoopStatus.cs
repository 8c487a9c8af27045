namespace TaskProtection;

/// <summary>Publishes the loop's state to other threads: the mode (derived from the state) and the status figures.</summary>
internal sealed class LoopStatus(ManagerContext context, LoopState state, AgentCaller agent)
{
    /// <summary>The mode the state implies; Releasing, Stopped, Faulted and Unavailable are set where they happen.</summary>
    public ProtectionMode Derive()
    {
        if (context.State.ForceDisabledAtEntered >= 0)
        {
            return ProtectionMode.ForceDisabled;
        }

        if (state.Capped)
        {
            return ProtectionMode.Capped;
        }

        if (state.Lost)
        {
            return ProtectionMode.Lost;
        }

        if (state.Draining)
        {
            return ProtectionMode.Draining;
        }

        if (state.Lease.IsHeld)
        {
            return ProtectionMode.Protected;
        }

        return context.Registry.ActiveCount > 0 ? ProtectionMode.Acquiring : ProtectionMode.Idle;
    }

    /// <summary>Publishes the derived mode (or <paramref name="mode"/>) and the figures; call before pulsing the gate.</summary>
    public void Publish(ProtectionMode? mode = null)
    {
        context.State.SetMode(mode ?? Derive());
        context.State.Publish(new StatusCore(
            state.Lease.PublishedExpiry,
            state.Lease.ProtectedSince,
            state.LastAttempted?.Failures ?? 0,
            state.LastError,
            state.LastErrorAt,
            agent.Calls,
            state.Lapses,
            state.LoopFaults,
            state.Capped ? state.CooldownUntil : 0));
    }

    public void OnCallFailed(TaskProtectionCallException error, long now)
    {
        state.LastError = error.Message;
        state.LastErrorAt = now;
    }
}
