using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace TaskProtection;

/// <summary>
/// How the application is told that protection is lost: the <see cref="TaskProtectionManager.ProtectionLostToken"/>
/// and the <see cref="TaskProtectionManager.ProtectionLost"/> event. Raised at most once per epoch, from any thread;
/// a reset starts a new epoch with a fresh token.
/// </summary>
/// <remarks>
/// Telling is claimed, then done (the token cancelled, the handlers posted), then marked done, then logged: every caller
/// that returns from <see cref="TryRaise"/>, whether it claimed or found it claimed, returns after the telling.
/// The token is cancelled first and synchronously (its callbacks run on the thread pool), so that it is cancelled
/// before the raiser goes on, whatever the handlers do. Each handler then runs as its own work item on the manager's
/// scheduler: a throwing handler is logged and the others still run; a slow one delays nothing. Replaced sources are
/// never disposed, so that a token handed out earlier stays usable (WaitHandle, Register) for as long as it is held.
/// </remarks>
internal sealed class LossSignal(LoopDispatcher dispatcher, ILogger logger, Func<bool> heldProtection)
{
    /// <summary>
    /// How long a caller that found the epoch claimed waits for the claimer to finish telling. Telling is a cancel and a
    /// few posts, microseconds; only a claimer preempted for long would make a caller wait that much, and then it goes on.
    /// A real-time bound: the thread it waits for runs in real time whatever the manager's clock says.
    /// </summary>
    private static readonly TimeSpan TellingBound = TimeSpan.FromSeconds(1);

    private Epoch _epoch = new();

    public event EventHandler<ProtectionLostEventArgs>? Lost;

    public bool IsRaised => Volatile.Read(ref _epoch).IsRaised;

    public CancellationToken Token => Volatile.Read(ref _epoch).Token;

    /// <summary>What was lost, in words, while raised; null otherwise.</summary>
    public string? Why => Volatile.Read(ref _epoch).Why;

    /// <summary>
    /// Raises the signal unless it is raised already; true when this call raised it. Either way, once it returns the
    /// application has been told (the token cancelled, the handlers posted), so that the caller may let a body start:
    /// a caller that finds another thread telling waits for it (bounded by <see cref="TellingBound"/>), and the log line,
    /// which may be slow, comes only after.
    /// </summary>
    public bool TryRaise(object sender, ProtectionLossReason reason, string why, Exception? error, IReadOnlyList<ActiveSessionInfo> sessions)
    {
        Epoch epoch = Volatile.Read(ref _epoch);
        if (!epoch.TryClaim(why))
        {
            epoch.AwaitTold(TellingBound);
            return false;
        }

        // Read before telling: the loop publishes its lease before it tells, so a lease still published now was held.
        bool held = heldProtection();
        try
        {
            Tell(epoch, sender, new ProtectionLostEventArgs(reason, error, sessions));
        }
        finally
        {
            // Even if telling threw half-way: a caller waiting for the mark must not wait out its bound for nothing.
            epoch.MarkTold();
        }

        Log.ProtectionLost(logger, reason, held, why, sessions.Count, SessionText.Describe(sessions));
        return true;
    }

    /// <summary>Starts a new epoch with a fresh token if the signal was raised; true when it was.</summary>
    public bool TryReset()
    {
        if (!Volatile.Read(ref _epoch).IsRaised)
        {
            return false;
        }

        Volatile.Write(ref _epoch, new Epoch());
        return true;
    }

    private void Tell(Epoch epoch, object sender, ProtectionLostEventArgs args)
    {
        epoch.Source.CancelAsync().ContinueWith(
            static (cancelled, state) => Log.ProtectionLostCallbackFailed((ILogger)state!, cancelled.Exception!),
            logger,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        foreach (Delegate handler in Lost?.GetInvocationList() ?? [])
        {
            dispatcher.Post(state => Invoke((EventHandler<ProtectionLostEventArgs>)state!, sender, args), handler);
        }
    }

    private void Invoke(EventHandler<ProtectionLostEventArgs> handler, object sender, ProtectionLostEventArgs args)
    {
        try
        {
            handler(sender, args);
        }
        catch (Exception ex)
        {
            Log.ProtectionLostHandlerFailed(logger, ex);
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage(
        "Design",
        "CA1001:Types that own disposable fields should be disposable",
        Justification = "Never disposed on purpose (see LossSignal): it has no timer, and tokens handed out must stay usable.")]
    private sealed class Epoch
    {
        private int _raised;
        private int _told;
        private string? _why;

        public Epoch() => Token = Source.Token;

        public CancellationTokenSource Source { get; } = new();

        /// <summary>Copied at creation, so that reading it never touches the source.</summary>
        public CancellationToken Token { get; }

        public bool IsRaised => Volatile.Read(ref _raised) != 0;

        public string? Why => Volatile.Read(ref _why);

        public bool TryClaim(string why)
        {
            if (Interlocked.CompareExchange(ref _raised, 1, 0) != 0)
            {
                return false;
            }

            Volatile.Write(ref _why, why);
            return true;
        }

        /// <summary>The claimer has cancelled the token and posted the handlers.</summary>
        public void MarkTold() => Volatile.Write(ref _told, 1);

        /// <summary>Waits until the claimer has told, at most <paramref name="bound"/> (real time).</summary>
        public void AwaitTold(TimeSpan bound)
        {
            if (Volatile.Read(ref _told) != 0)
            {
                return;
            }

            long deadline = Stopwatch.GetTimestamp() + (long)(bound.TotalSeconds * Stopwatch.Frequency);
            var spinner = default(SpinWait);
            while (Volatile.Read(ref _told) == 0 && Stopwatch.GetTimestamp() < deadline)
            {
                spinner.SpinOnce();
            }
        }
    }
}
