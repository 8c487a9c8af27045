using System.Globalization;
using Microsoft.Extensions.Options;

namespace TaskProtection;

/// <summary>
/// Rejects every <see cref="TaskProtectionOptions"/> that cannot keep protection gap-free, naming the inequality
/// that fails and the values involved, so that a bad configuration stops the app at start-up rather than losing a job.
/// </summary>
public sealed class TaskProtectionOptionsValidator : IValidateOptions<TaskProtectionOptions>
{
    /// <summary>The agent waits up to 4 s for ECS and answers within 5 s; a shorter timeout abandons calls that would succeed.</summary>
    public static readonly TimeSpan MinimumRequestTimeout = TimeSpan.FromSeconds(6);

    /// <summary>The largest <c>stopTimeout</c> ECS allows (Fargate and EC2 with the agent's maximum): the drain and the final release must fit.</summary>
    public static readonly TimeSpan MaximumEcsStopTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The shortest cool-down after MaxProtectionDuration: ECS needs time to act on an unprotected task.</summary>
    public static readonly TimeSpan MinimumCooldown = TimeSpan.FromMinutes(1);

    /// <summary>The longest cool-down after MaxProtectionDuration.</summary>
    public static readonly TimeSpan MaximumCooldown = TimeSpan.FromDays(1);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TaskProtectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = FindFailures(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Every rule the options break, each as a sentence that says what to change; empty when valid.</summary>
    public static List<string> FindFailures(TaskProtectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        RequirePositive(failures, nameof(options.CheckInterval), options.CheckInterval);
        RequirePositive(failures, nameof(options.ExtensionInterval), options.ExtensionInterval);
        RequirePositive(failures, nameof(options.ProtectionBuffer), options.ProtectionBuffer);
        RequirePositive(failures, nameof(options.MaxProtectionDuration), options.MaxProtectionDuration);
        RequirePositive(failures, nameof(options.RetryBaseDelay), options.RetryBaseDelay);
        RequirePositive(failures, nameof(options.AcquireTimeout), options.AcquireTimeout);
        RequirePositive(failures, nameof(options.DrainTimeout), options.DrainTimeout);
        if (options.ReleaseDelay < TimeSpan.Zero)
        {
            failures.Add(Invariant($"ReleaseDelay ≥ 0 fails: ReleaseDelay = {options.ReleaseDelay}."));
        }

        if (options.SchedulingTolerance < TimeSpan.Zero)
        {
            failures.Add(Invariant($"SchedulingTolerance ≥ 0 fails: SchedulingTolerance = {options.SchedulingTolerance}."));
        }

        if (options.MinimumToleratedFailures < 0)
        {
            failures.Add(Invariant($"MinimumToleratedFailures ≥ 0 fails: MinimumToleratedFailures = {options.MinimumToleratedFailures}."));
        }

        if (!Enum.IsDefined(options.AcquireTimeoutBehavior))
        {
            failures.Add(Invariant($"AcquireTimeoutBehavior must be Proceed or Throw, but is {(int)options.AcquireTimeoutBehavior}."));
        }

        if (options.RequestTimeout < MinimumRequestTimeout)
        {
            failures.Add(Invariant(
                $"RequestTimeout ≥ {MinimumRequestTimeout} fails: RequestTimeout = {options.RequestTimeout}. The ECS agent waits up to 4 s for ECS and answers within 5 s; a shorter timeout abandons calls that would succeed."));
        }

        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            failures.Add(Invariant(
                $"RetryMaxDelay ≥ RetryBaseDelay fails: RetryMaxDelay = {options.RetryMaxDelay}, RetryBaseDelay = {options.RetryBaseDelay}."));
        }

        if (failures.Count > 0)
        {
            // The inequalities below combine these values; with any of them out of range they would only add noise.
            return failures;
        }

        int minutes = options.ExpiresInMinutes;
        if (minutes < GapBudget.MinExpiresInMinutes || minutes > GapBudget.MaxExpiresInMinutes)
        {
            failures.Add(Invariant(
                $"1 ≤ ExpiresInMinutes ≤ 2880 fails: ExtensionInterval + ProtectionBuffer = {options.ExtensionInterval + options.ProtectionBuffer} rounds up to {minutes} minutes, outside what the ECS agent accepts."));
        }

        TimeSpan watchdogNeed = options.RequestTimeout + options.SchedulingTolerance + options.SchedulingTolerance;
        if (options.GapSafetyMargin < watchdogNeed)
        {
            failures.Add(Invariant(
                $"GapSafetyMargin ≥ RequestTimeout + 2 × SchedulingTolerance fails: GapSafetyMargin = ProtectionBuffer − CheckInterval = {options.ProtectionBuffer} − {options.CheckInterval} = {options.GapSafetyMargin}, needed {watchdogNeed}. The watchdog could not renew in time a lease whose timer was missed; lower CheckInterval or raise ProtectionBuffer."));
        }

        int required = options.MinimumToleratedFailures;
        TimeSpan worstCase = GapBudget.WorstCaseTime(options, required);
        if (worstCase > options.ProtectionBuffer)
        {
            failures.Add(Invariant(
                $"ProtectionBuffer ≥ (k+1)·RequestTimeout + Σ retry delay caps + (2k+2)·(SchedulingTolerance + 1 ms) fails for k = MinimumToleratedFailures = {required}: ProtectionBuffer = {options.ProtectionBuffer}, needed {worstCase} (RequestTimeout = {options.RequestTimeout}, RetryBaseDelay = {options.RetryBaseDelay}, RetryMaxDelay = {options.RetryMaxDelay}, SchedulingTolerance = {options.SchedulingTolerance}). This configuration survives {options.ToleratedConsecutiveFailures} consecutive failed renewals; raise ProtectionBuffer or shorten the timeout and retry delays."));
        }

        if (options.DrainTimeout + options.RequestTimeout > MaximumEcsStopTimeout)
        {
            failures.Add(Invariant(
                $"DrainTimeout + RequestTimeout ≤ {MaximumEcsStopTimeout} fails: {options.DrainTimeout} + {options.RequestTimeout} = {options.DrainTimeout + options.RequestTimeout}. ECS kills a container at most {MaximumEcsStopTimeout} after SIGTERM, so the drain and the final release must end before; lower DrainTimeout."));
        }

        if (options.MaxProtectionCooldown < MinimumCooldown || options.MaxProtectionCooldown > MaximumCooldown)
        {
            failures.Add(Invariant(
                $"{MinimumCooldown} ≤ MaxProtectionCooldown ≤ {MaximumCooldown} fails: MaxProtectionCooldown = {options.MaxProtectionCooldown}. It is the window ECS gets to scale in or replace a task after MaxProtectionDuration: shorter gives it no time to act."));
        }

        if (options.MaxProtectionDuration < options.LeaseDuration)
        {
            failures.Add(Invariant(
                $"MaxProtectionDuration ≥ lease fails: MaxProtectionDuration = {options.MaxProtectionDuration}, but a single lease of ExpiresInMinutes = {minutes} lasts {options.LeaseDuration}."));
        }

        return failures;
    }

    private static void RequirePositive(List<string> failures, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add(Invariant($"{name} > 0 fails: {name} = {value}."));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
