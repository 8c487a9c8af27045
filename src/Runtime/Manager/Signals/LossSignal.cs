using Microsoft.Extensions.Logging;

namespace TaskProtection;

/// <summary>
/// How the application is told that protection is lost: the <see cref="TaskProtectionManager.ProtectionLostToken"/>
/// and the <see cref="TaskProtectionManager.ProtectionLost"/> event. Raised at most once per epoch, from any thread;
/// a reset starts a new epoch with a fresh token.
/// </summary>
/// <remarks>
/// The token is cancelled first and synchronously (its callbacks run on the thread pool), so that it is cancelled
/// before the raiser goes on, whatever the handlers do. Each handler then runs as its own work item on the manager's
/// scheduler: a throwing handler is logged and the others still run; a slow one delays nothing. Replaced sources are
/// never disposed, so that a token handed out earlier stays usable (WaitHandle, Register) for as long as it is held.
/// </remarks>
internal sealed class LossSignal(LoopDispatcher dispatcher, ILogger logger, Func<bool> heldProtection)
{
    private Epoch _epoch = new();

    public event EventHandler<ProtectionLostEventArgs>? Lost;

    public bool IsRaised => Volatile.Read(ref _epoch).IsRaised;

    public CancellationToken Token => Volatile.Read(ref _epoch).Token;

    /// <summary>What was lost, in words, while raised; null otherwise.</summary>
    public string? Why => Volatile.Read(ref _epoch).Why;

    /// <summary>Raises the signal unless it is raised already; true when this call raised it.</summary>
    public bool TryRaise(object sender, ProtectionLossReason reason, string why, Exception? error, IReadOnlyList<ActiveSessionInfo> sessions)
    {
        Epoch epoch = Volatile.Read(ref _epoch);
        if (!epoch.TryClaim(why))
        {
            return false;
        }

        Log.ProtectionLost(logger, reason, heldProtection(), why, sessions.Count, SessionText.Describe(sessions));
        epoch.Source.CancelAsync().ContinueWith(
            static (cancelled, state) => Log.ProtectionLostCallbackFailed((ILogger)state!, cancelled.Exception!),
            logger,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        var args = new ProtectionLostEventArgs(reason, error, sessions);
        foreach (Delegate handler in Lost?.GetInvocationList() ?? [])
        {
            dispatcher.Post(state => Invoke((EventHandler<ProtectionLostEventArgs>)state!, sender, args), handler);
        }

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
    }
}
