namespace TaskProtection;

/// <summary>The manager's lifecycle: start, stop, dispose, and the force-disable, which the stop answers once it began.</summary>
public sealed partial class TaskProtectionManager
{
    /// <summary>Attaches to the registry and starts the state machine.</summary>
    /// <param name="cancellationToken">Unused; starting does not wait.</param>
    /// <returns>A completed task.</returns>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_lifecycleLock)
        {
            if (_loop is not null)
            {
                throw new InvalidOperationException("The TaskProtectionManager is already started.");
            }

            if (_protectionLoop is not { } loop)
            {
                _view.PublishMode(ProtectionMode.Unavailable);
                Log.Unavailable(_logger, _unavailableReason!);
                _sessions.Registry.Attach(this);
                _loop = Task.CompletedTask;
                return Task.CompletedTask;
            }

            Log.Started(_logger, loop.BackendDescription, _effective.ExpiresInMinutes, _effective.ProtectionBuffer, _effective.ToleratedConsecutiveFailures);
            _stopping = new CancellationTokenSource();
            CancellationToken stopping = _stopping.Token;
            loop.PublishInitial();
            _coordination?.Start();
            _sessions.Registry.Attach(this);
            _loop = _dispatcher.RunOnLoop(() => loop.RunAsync(stopping));

            // The loop tells everyone itself if it dies; this observes the error and sends the force-disables it left queued.
            _loop.ContinueWith(
                static (died, state) => ((TaskProtectionManager)state!).AfterLoopDied(died),
                this,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops the state machine and releases protection if the task may still hold it (one attempt, bounded by
    /// <see cref="TaskProtectionOptions.RequestTimeout"/>; once more if an enable the stop gave up on may land after it).
    /// Sessions still running are told first (<see cref="ProtectionLost"/> with <see cref="ProtectionLossReason.Stopped"/>),
    /// and so is a session entered afterwards, unless <see cref="TaskProtectionOptions.AcquireTimeoutBehavior"/> refuses it.
    /// Concurrent and repeated calls share the one stop.
    /// </summary>
    /// <param name="cancellationToken">Abandons the wait; the stop and its bounded release go on.</param>
    /// <returns>A task that completes when stopped.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<Exception?> stopped;
        bool first;
        lock (_lifecycleLock)
        {
            if (_loop is null)
            {
                return Task.CompletedTask;
            }

            first = _stopped is null;
            stopped = _stopped ??= new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        if (first)
        {
            _ = StopOnceAsync(stopped);
        }

        return stopped.Task.WaitAsync(cancellationToken);
    }

    private async Task StopOnceAsync(TaskCompletionSource<Exception?> stopped)
    {
        Exception? releaseFailure = null;
        try
        {
            // The manager stays attached: a session entered from now on sees mode Stopped, and is refused or told.
            if (_stopping is not null && _protectionLoop is { } loop)
            {
                await _stopping.CancelAsync().ConfigureAwait(false);
                try
                {
                    await _loop!.ConfigureAwait(false);
                }
                catch (Exception) when (_loop!.IsFaulted)
                {
                    // The loop told everyone when it died; the release below is what matters now.
                }

                releaseFailure = await _dispatcher.RunOnLoop(loop.ReleaseOnStopAsync).ConfigureAwait(false);
            }
            else
            {
                _view.PublishMode(ProtectionMode.Stopped);
            }
        }
        finally
        {
            // Force-disables the loop did not get to are answered by the stop's release.
            while (_commands.TryDequeue(out ForceDisableRequest? request))
            {
                Complete(request.Completion, releaseFailure);
            }

            stopped.TrySetResult(releaseFailure);
        }
    }

    /// <summary>Stops the manager.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _coordination?.Dispose();
        _stopping?.Dispose();
        _metrics.Dispose();
        _dispatcher.Dispose();
    }

    /// <summary>
    /// Emergency only: disables protection now, logs the reason and the sessions left unprotected, and stops renewals
    /// until a new session starts. Sessions already running stay unprotected; a scale-in may stop them.
    /// </summary>
    /// <param name="reason">Why, for the log; required.</param>
    /// <param name="cancellationToken">Abandons the wait (the disable still happens).</param>
    /// <returns>A task that completes when the agent confirmed the disable, or faults with the agent's error.</returns>
    public Task ForceDisableProtectionAsync(string reason, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var request = new ForceDisableRequest(reason);
        lock (_lifecycleLock)
        {
            if (_stopped is not null)
            {
                // Stopping releases protection anyway: this completes with that release.
                Log.ForceDisabled(_logger, reason, SessionText.Describe(_sessions.Registry.GetActiveSessions()));
                _stopped.Task.ContinueWith(
                    static (stop, state) => Complete((TaskCompletionSource)state!, stop.Result),
                    request.Completion,
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
                return request.Completion.Task.WaitAsync(cancellationToken);
            }

            if (_protectionLoop is null || _loop is null)
            {
                Log.ForceDisabled(_logger, reason, SessionText.Describe(_sessions.Registry.GetActiveSessions()));
                return Task.CompletedTask;
            }

            if (_loop.IsCompleted)
            {
                // The loop died: no one would take the request from the queue.
                _ = _dispatcher.RunOnLoop(() => _protectionLoop.ForceDisableWithoutLoopAsync(request));
                return request.Completion.Task.WaitAsync(cancellationToken);
            }

            // Under the lock: a stop that begins after this, or the loop's death, sees the request in the queue and answers it.
            _commands.Enqueue(request);
        }

        _wake.Request();
        return request.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The loop died while the manager runs on: send the force-disables it left queued, unless a stop answers them.</summary>
    private void AfterLoopDied(Task died)
    {
        _ = died.Exception;
        lock (_lifecycleLock)
        {
            while (_stopped is null && _commands.TryDequeue(out ForceDisableRequest? request))
            {
                _ = _dispatcher.RunOnLoop(() => _protectionLoop!.ForceDisableWithoutLoopAsync(request));
            }
        }
    }

    private static void Complete(TaskCompletionSource completion, Exception? failure)
    {
        if (failure is null)
        {
            completion.TrySetResult();
        }
        else
        {
            completion.TrySetException(failure);
        }
    }
}
