using System.Globalization;

namespace TaskProtection;

/// <summary>Making the loop's state visible, and telling the application when protection is lost.</summary>
internal sealed partial class ProtectionLoop
{
    /// <summary>
    /// The one place that changes what sessions and readers see: coverage, the mode, the status figures, the loss signal
    /// and waiting sessions. Coverage that narrows is written first and the mode published next (full fences both), and
    /// the running sessions are counted after them, so that a session entering now is either counted or sees coverage
    /// closed and the new mode (and waits, or goes ahead told); coverage that widens is written last, so that what a
    /// session's work logs always comes after the protection it runs under. The mode is published before the application
    /// is told, so that waiting sessions woken by the tell see why.
    /// </summary>
    /// <param name="tell">What to tell the application, if the sessions it is owed to exist; none by default.</param>
    /// <returns>The sessions whose body may be running, counted after coverage narrowed.</returns>
    private int Commit(Tell tell = default)
    {
        long coverage = _coverageOpen && _lease.IsHeld ? _leases.CoverageUntil(_lease) : long.MinValue;
        long previous = _gate.Until;
        bool widening = coverage > previous;
        if (!widening && coverage != previous)
        {
            _gate.Set(coverage);
        }

        ProtectionMode mode = Mode();
        AdmissionState admission = CapAdmission();
        _view.Publish(mode, Figures(), _forceDisabledAtEntered, admission);
        int running = _sessions.Running;
        bool told = tell.IsOwed(running, _sessions.Active)
                    && _signal.TryRaise(_owner, tell.Reason, tell.Why, tell.Error, _sessions.Snapshot());
        if (widening)
        {
            _gate.Set(coverage);
        }

        if (coverage != previous || mode != _publishedMode || told)
        {
            _publishedMode = mode;
            _gate.Pulse();
        }

        if (!AdmissionRules.Same(admission, _publishedAdmission))
        {
            _publishedAdmission = admission;
            _admissionChanged();
        }

        return running;
    }

    /// <summary>Whether the cap refuses new sessions: its drain, then the cool-down after it (with the drain on).</summary>
    private AdmissionState CapAdmission() =>
        _draining && _drainingBeforeCap || _capped
            ? AdmissionRules.ForCap(_options, _draining && _drainingBeforeCap, _capped, _capped ? _clock.ToUtc(_cooldownUntil, _clock.Now, _clock.UtcNow) : default)
            : AdmissionState.Accepting;

    /// <summary>The mode the state implies.</summary>
    private ProtectionMode Mode()
    {
        if (_stopped)
        {
            return ProtectionMode.Stopped;
        }

        if (_faulted)
        {
            return ProtectionMode.Faulted;
        }

        if (_releasing)
        {
            return ProtectionMode.Releasing;
        }

        if (_forceDisabledAtEntered >= 0)
        {
            return ProtectionMode.ForceDisabled;
        }

        if (_capped)
        {
            return ProtectionMode.Capped;
        }

        if (_lost)
        {
            return ProtectionMode.Lost;
        }

        if (_draining)
        {
            return ProtectionMode.Draining;
        }

        if (_intake.StoppedBecause is not null && !_lease.IsHeld)
        {
            return ProtectionMode.Retired;
        }

        if (_lease.IsHeld)
        {
            return ProtectionMode.Protected;
        }

        return _sessions.Active > 0 ? ProtectionMode.Acquiring : ProtectionMode.Idle;
    }

    private StatusCore Figures() => new(
        _lease.PublishedExpiry,
        _lease.ProtectedSince,
        _lastAttemptWasRelease ? _releases.Failures : _enables.Failures,
        _lastError,
        _lastErrorAt,
        _backend.Calls,
        _lapses,
        _loopFaults,
        _capped ? _cooldownUntil : 0);

    /// <summary>
    /// The lease ends (within the timer tolerance) with no renewal confirmed while sessions run: count one lapse per
    /// lease, mark protection lost and tell the application, before the lease is over.
    /// </summary>
    private void ReportLapse()
    {
        if (_lapseReported)
        {
            return;
        }

        // With no session running once coverage is closed, nothing ran through it: the sessions still waiting wait on.
        _coverageOpen = false;
        if (Commit() == 0)
        {
            return;
        }

        _lost = true;
        _lapseReported = true;
        _lapses++;
        string why = "the lease ends and no renewal was confirmed in time" + (_lastError is null ? string.Empty : " (last error: " + _lastError + ")");
        Commit(Tell.Always(ProtectionLossReason.Lapsed, why, error: null));

        // Counted after telling: a metrics listener that throws must not keep the sessions from hearing of it.
        _metrics.Lapse();
    }

    /// <summary>The loop ended on an error it could not survive: nothing renews protection now. Say so everywhere the application looks.</summary>
    private void Die(Exception error)
    {
        _faulted = true;
        _coverageOpen = false;
        _backend.NoLongerNeeded();
        _lastError = "The protection loop stopped on an unexpected error: " + error.Message;
        _lastErrorAt = _clock.Now;
        Log.LoopDied(_logger, error);
        Commit(Tell.Always(ProtectionLossReason.ManagerFaulted, "the protection loop stopped on an unexpected error: " + error.Message, error));
    }

    private string CapWhy()
    {
        long now = _clock.Now;
        DateTimeOffset utcNow = _clock.UtcNow;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"continuous protection reaches MaxProtectionDuration ({DurationText.Format(_options.MaxProtectionDuration)}) and ends at {_clock.ToUtc(_lease.Expiry, now, utcNow):O}; it may be acquired again from {_clock.ToUtc(_cooldownUntil, now, utcNow):O}");
    }

    private string NotConfirmedWhy() =>
        $"protection was not confirmed within AcquireTimeout ({DurationText.Format(_options.AcquireTimeout)}) while sessions ran";

    /// <summary>What to tell the application, and to whom it is owed.</summary>
    private readonly record struct Tell(ProtectionLossReason Reason, string Why, Exception? Error, Audience To)
    {
        /// <summary>Owed to sessions whose body may be running.</summary>
        public static Tell Running(ProtectionLossReason reason, string why, Exception? error = null) => new(reason, why, error, Audience.Running);

        /// <summary>Owed to every active session, waiting ones too (they are about to run with nothing renewing for them).</summary>
        public static Tell Active(ProtectionLossReason reason, string why) => new(reason, why, null, Audience.Active);

        /// <summary>Owed whatever runs: the application must know (a refusal, a dead loop).</summary>
        public static Tell Always(ProtectionLossReason reason, string why, Exception? error) => new(reason, why, error, Audience.Always);

        public bool IsOwed(int running, int active) => To switch
        {
            Audience.Running => running > 0,
            Audience.Active => active > 0,
            Audience.Always => true,
            _ => false,
        };
    }

    private enum Audience
    {
        None,
        Running,
        Active,
        Always,
    }

    /// <summary>
    /// Waits for a call while keeping the application's deadlines: if it is still out when running sessions must be told
    /// (the lapse watch while a lease is held, AcquireTimeout for sessions that did not wait), they are told then, not
    /// when the call finally ends. Wakes re-evaluate: a session may start meanwhile, or another process force-disable.
    /// </summary>
    private async Task WatchCallAsync(Task call, CancellationToken stopping)
    {
        while (!call.IsCompleted && !stopping.IsCancellationRequested)
        {
            Task wake = _wake.Arm();
            TakeRemoteForceDisable();
            long now = _clock.Now;
            (long deadline, bool lapse) = TellDeadline(now);

            // With no body running nothing is told at the lapse watch, but coverage must close there all the same: a session
            // admitted on an old start timestamp would otherwise run past the lease's end while the call is out.
            long closeAt = _lease.IsHeld && _coverageOpen && _sessions.Running == 0 ? _leases.LapseAt(_lease) : long.MaxValue;
            if (now >= closeAt)
            {
                _coverageOpen = false;
                Commit();
                continue;
            }

            deadline = Math.Min(deadline, closeAt);
            if (now >= deadline)
            {
                if (lapse)
                {
                    ReportLapse();
                }
                else
                {
                    Commit(Tell.Running(ProtectionLossReason.NotConfirmed, NotConfirmedWhy()));
                }

                continue;
            }

            using var cancelDelay = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            Task delay = _dispatcher.Delay(deadline == long.MaxValue ? Timeout.InfiniteTimeSpan : _clock.WholeMillisecondsUp(deadline - now), cancelDelay.Token);
            await Task.WhenAny(call, delay, wake);
            cancelDelay.Cancel();
        }
    }
}
