using Microsoft.Extensions.Logging;

namespace TaskProtection;

/// <summary>
/// Tells the application when the task starts or stops refusing new sessions (<see cref="TaskProtectionManager.AdmissionChanged"/>).
/// Level-triggered and in order: each delivery runs on the callbacks' scheduler (never the loop), reads the state as it is
/// then, and handlers hear of it only when it differs from what they heard last, one delivery at a time. A pause and a
/// resume in quick succession may reach them as the resume alone, never the other way round.
/// </summary>
internal sealed class AdmissionSignal(LoopDispatcher dispatcher, ILogger logger, Func<AdmissionState> current, object sender)
{
    private readonly Lock _deliveryLock = new();
    private AdmissionState _delivered = AdmissionState.Accepting;

    public event EventHandler<AdmissionChangedEventArgs>? Changed;

    /// <summary>Something admission depends on may have changed: handlers hear of it if it did.</summary>
    public void Check() => dispatcher.Post(static state => ((AdmissionSignal)state!).Deliver(), this);

    private void Deliver()
    {
        lock (_deliveryLock)
        {
            AdmissionState now = current();
            if (AdmissionRules.Same(now, _delivered))
            {
                return;
            }

            _delivered = now;
            var args = new AdmissionChangedEventArgs(now);
            foreach (Delegate handler in Changed?.GetInvocationList() ?? [])
            {
                try
                {
                    ((EventHandler<AdmissionChangedEventArgs>)handler)(sender, args);
                }
                catch (Exception ex)
                {
                    Log.AdmissionHandlerFailed(logger, ex);
                }
            }
        }
    }
}
