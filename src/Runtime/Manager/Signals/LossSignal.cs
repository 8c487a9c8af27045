namespace TaskProtection;

/// <summary>
/// How the application is told that protection is lost: the <see cref="TaskProtectionManager.ProtectionLost"/> event
/// and the <see cref="TaskProtectionManager.ProtectionLostToken"/>. Raised at most once until reset; a reset issues a
/// fresh token.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Design",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "A replaced source is disposed on reset; the last one has no timer and lives as long as the manager.")]
internal sealed class LossSignal(LoopDispatcher dispatcher)
{
    private CancellationTokenSource _source = new();

    public event EventHandler<ProtectionLostEventArgs>? Lost;

    /// <summary>Whether the signal has been raised since the last reset. Loop only.</summary>
    public bool IsRaised { get; private set; }

    public CancellationToken Token => Volatile.Read(ref _source).Token;

    /// <summary>Raises the event and cancels the token, off the loop: a slow handler must not delay renewals.</summary>
    public void Raise(object sender, ProtectionLostEventArgs args)
    {
        IsRaised = true;
        CancellationTokenSource source = Volatile.Read(ref _source);
        dispatcher.Post(
            state =>
            {
                Lost?.Invoke(sender, args);
                ((CancellationTokenSource)state!).Cancel();
            },
            source);
    }

    public void Reset()
    {
        IsRaised = false;
        Interlocked.Exchange(ref _source, new CancellationTokenSource()).Dispose();
    }
}
