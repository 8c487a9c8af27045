using System.Globalization;

namespace TaskProtection;

/// <summary>
/// Whether a session entering now is refused outright, whatever AcquireTimeoutBehavior says, and why: shutdown (when it
/// refuses sessions), a request to stop taking work, the drain before the cap, or the cool-down after it (with the drain
/// on). Work refused is work left for another task.
/// </summary>
internal sealed class AdmissionRules(TaskProtectionOptions options, CriticalSessionRegistry registry, WorkIntake intake, ManagerView view)
{
    /// <summary>Why sessions are refused during shutdown.</summary>
    public const string ShuttingDownWhy = "the task is shutting down (SIGTERM or StopApplication) and refuses new sessions so that the drain can finish. Leave this work for another task; set TaskProtection:RefuseSessionsDuringShutdown = false to allow it";

    private static readonly AdmissionState ShuttingDown = new() { RefusalReason = SessionRefusalReason.ShuttingDown, Why = ShuttingDownWhy };

    /// <summary>The task's admission now, the first refusal that applies.</summary>
    public AdmissionState Current()
    {
        if (registry.IsShutdownRequested && options.RefuseSessionsDuringShutdown)
        {
            return ShuttingDown;
        }

        if (intake.StoppedBecause is { } reason)
        {
            return new AdmissionState
            {
                RefusalReason = SessionRefusalReason.StoppedTakingWork,
                Why = $"the task stopped taking work ({reason}), so new work is left for another task while the running sessions finish protected",
            };
        }

        return view.CapAdmission;
    }

    /// <summary>The part the loop decides, from the cap: the drain before it, then the cool-down after it when the drain is on.</summary>
    public static AdmissionState ForCap(TaskProtectionOptions options, bool drainingBeforeCap, bool capped, DateTimeOffset cooldownEnds)
    {
        if (drainingBeforeCap)
        {
            return new AdmissionState
            {
                RefusalReason = SessionRefusalReason.DrainingBeforeCap,
                Why = string.Create(
                    CultureInfo.InvariantCulture,
                    $"the task is draining: continuous protection is in its last MaxProtectionDrain ({DurationText.Format(options.CapDrain)}) before MaxProtectionDuration ({DurationText.Format(options.MaxProtectionDuration)}), so new work is left for another task while the running sessions finish protected. It takes work again after MaxProtectionCooldown ({DurationText.Format(options.MaxProtectionCooldown)})"),
            };
        }

        if (!capped || options.CapDrain <= TimeSpan.Zero)
        {
            return AdmissionState.Accepting;
        }

        return new AdmissionState
        {
            RefusalReason = SessionRefusalReason.CoolingDown,
            Why = string.Create(
                CultureInfo.InvariantCulture,
                $"continuous protection reached MaxProtectionDuration ({DurationText.Format(options.MaxProtectionDuration)}); it may be acquired again from {cooldownEnds:O}. New work is left for another task until then (MaxProtectionDrain is on: nothing starts unprotected)"),
            ResumesAt = cooldownEnds,
        };
    }

    /// <summary>Whether two states say the same to the application (reason, words, end).</summary>
    public static bool Same(AdmissionState a, AdmissionState b) =>
        a.RefusalReason == b.RefusalReason && a.Why == b.Why && a.ResumesAt == b.ResumesAt;
}
