namespace TaskProtection;

/// <summary>
/// Force-disables: one the application asked for (tell, announce to the task's other processes, send), one another
/// process made (tell and stop renewing), and the disable sent again when an enable abandoned before may have landed after.
/// </summary>
internal sealed partial class ProtectionLoop
{
    /// <summary>
    /// The application asked for a force-disable: tell the running sessions first, then the task's other processes (which
    /// tell theirs), then send it. The request is always answered: by the disable's outcome, by the stop's release when
    /// the manager stops meanwhile, or by the error that ended the step (which the loop's fault barrier survives, while
    /// nothing else would answer a request no longer queued).
    /// </summary>
    private async Task ForceDisableAsync(ForceDisableRequest request, CancellationToken stopping)
    {
        try
        {
            await SendForceDisableAsync(request, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The manager is stopping: its release on stop answers this request.
            _commands.Enqueue(request);
            throw;
        }
        catch (Exception ex)
        {
            request.Completion.TrySetException(ex);
            throw;
        }
    }

    private async Task SendForceDisableAsync(ForceDisableRequest request, CancellationToken stopping)
    {
        EnterForceDisabled(request.Reason, "protection was force-disabled: " + request.Reason);
        if (await _backend.AnnounceForceDisableAsync(request.Reason, stopping) is { } unannounced)
        {
            Log.ForceDisableUnannounced(_logger, unannounced);
        }

        if (await SendDisableAsync(stopping, request.Reason) is { } failure)
        {
            // Renewals stay stopped; the lease may run to its expiry. The caller decides whether to try again.
            NoteFailure(failure);
            request.Completion.TrySetException(failure);
        }
        else
        {
            request.Completion.TrySetResult();
        }

        Commit();
    }

    /// <summary>
    /// The loop died, so nothing else would send a force-disable the application asks for: announce it and send it here,
    /// each bounded like any call, and answer the caller. The running sessions were told when the loop died.
    /// </summary>
    public async Task ForceDisableWithoutLoopAsync(ForceDisableRequest request)
    {
        Log.ForceDisabled(_logger, request.Reason, SessionText.Describe(_sessions.Snapshot()));
        try
        {
            if (await _backend.AnnounceForceDisableAsync(request.Reason, CancellationToken.None) is { } unannounced)
            {
                Log.ForceDisableUnannounced(_logger, unannounced);
            }

            await _backend.ForceDisableAsync(request.Reason, CancellationToken.None);
            request.Completion.TrySetResult();
        }
        catch (Exception ex)
        {
            // Whatever went wrong, the caller must hear it: no one else will answer.
            request.Completion.TrySetException(ex);
            return;
        }

        await DisableAgainAfterLandingAsync(request.Reason);
    }

    /// <summary>
    /// An enable the dead loop gave up on may still reach ECS after the force-disable and protect the task for a lease:
    /// disable once more when it no longer can, as the loop's own force-disable does. The landing is a real-world bound,
    /// so a clock that tests hold still does not hold this back for ever.
    /// </summary>
    private async Task DisableAgainAfterLandingAsync(string reason)
    {
        long enableMayLandUntil = _mayLand.EnableUntil;
        if (enableMayLandUntil <= _clock.Now)
        {
            return;
        }

        TimeSpan landing = _clock.WholeMillisecondsUp(enableMayLandUntil - _clock.Now);
        await Task.WhenAny(_dispatcher.Delay(landing, CancellationToken.None), Task.Delay(landing, TimeProvider.System));
        try
        {
            await _backend.ForceDisableAsync(reason, CancellationToken.None);
        }
        catch (TaskProtectionCallException ex)
        {
            Log.CallGaveUp(_logger, "Force-disabling protection again after an enable that may have landed late", ex);
        }
    }

    /// <summary>Another process of the task force-disabled protection: tell and stop renewing here too; nothing to send.</summary>
    private void TakeRemoteForceDisable()
    {
        if (_backend.TakeRemoteForceDisable() is { } remote)
        {
            Log.RemoteForceDisable(_logger, remote.By, remote.Reason);
            EnterForceDisabled($"by {remote.By}: {remote.Reason}", $"protection was force-disabled by another process of the task ({remote.By}): {remote.Reason}");
        }
    }

    /// <summary>Renewals stop until a session entered after now needs protection; running sessions are told.</summary>
    private void EnterForceDisabled(string reason, string why)
    {
        _forceDisabledAtEntered = _sessions.TotalEntered;
        if (_draining)
        {
            // Nothing renews any more, so the drain is over; before the cap, the cool-down follows the lease's end at the
            // latest (ECS may refuse the disable). Without this, no session could be admitted to leave the force-disable.
            _draining = false;
            if (_drainingBeforeCap)
            {
                _capped = true;
                _cooldownUntil = Math.Max(_cooldownUntil, Math.Max(_clock.Now, _lease.Expiry) + _cooldownTicks);
            }
        }

        _lease = _lease.Dropped();
        _coverageOpen = false;
        _backend.NoLongerNeeded();
        Log.ForceDisabled(_logger, reason, SessionText.Describe(_sessions.Snapshot()));
        Commit(Tell.Running(ProtectionLossReason.ForceDisabled, why));
    }

    /// <summary>Force-disabled, and an enable abandoned before may have landed after that disable: disable again.</summary>
    private async Task DisableAgainAsync(CancellationToken stopping)
    {
        if (await DisableAsync("Disabling protection again after an earlier enable may have landed", stopping))
        {
            _releases = RetryBackoff.None;
        }

        Commit();
    }
}
