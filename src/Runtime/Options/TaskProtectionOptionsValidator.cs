using System.Globalization;
using Microsoft.Extensions.Options;

namespace TaskProtection;

/// <summary>
/// Rejects every <see cref="TaskProtectionOptions"/> that cannot keep protection gap-free, naming the inequality
/// that fails and the values involved, so that a bad configuration stops the app at start-up rather than losing a job.
/// </summary>
internal sealed class TaskProtectionOptionsValidator : IValidateOptions<TaskProtectionOptions>
{
    /// <summary>The agent waits up to 4 s for ECS and answers within 5 s; a shorter timeout abandons calls that would succeed.</summary>
    public static readonly TimeSpan MinimumRequestTimeout = TimeSpan.FromSeconds(6);

    /// <summary>The largest <c>stopTimeout</c> ECS allows (Fargate and EC2 with the agent's maximum): the drain and the final release must fit.</summary>
    public static readonly TimeSpan MaximumEcsStopTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The longest RequestTimeout: a call the agent has not answered in 5 minutes will not be answered.</summary>
    public static readonly TimeSpan MaximumRequestTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The longest MaxProtectionDuration: a year of continuous protection is no cap at all.</summary>
    public static readonly TimeSpan MaximumProtectionDuration = TimeSpan.FromDays(365);

    /// <summary>The most consecutive failures a configuration may be asked to survive.</summary>
    public const int MaximumToleratedFailures = 100;

    /// <summary>The longest lease the agent grants: 2880 minutes.</summary>
    private static readonly TimeSpan MaximumLease = TimeSpan.FromMinutes(GapBudget.MaxExpiresInMinutes);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    /// <summary>The shortest cool-down after MaxProtectionDuration: ECS needs time to act on an unprotected task.</summary>
    public static readonly TimeSpan MinimumCooldown = TimeSpan.FromMinutes(1);

    /// <summary>The shortest DeploymentCheckInterval: each check is an ECS API call, counted against the account's rate.</summary>
    public static readonly TimeSpan MinimumDeploymentCheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>The longest cool-down after MaxProtectionDuration.</summary>
    public static readonly TimeSpan MaximumCooldown = TimeSpan.FromDays(1);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TaskProtectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> failures = FindFailures(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(ValidationText.Join("Invalid TaskProtectionOptions", failures));
    }

    /// <summary>Every rule the options break, each as a sentence that says what to change; empty when valid.</summary>
    public static IReadOnlyList<string> FindFailures(TaskProtectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        // Every duration in its range first: the inequalities below add them up, and a value past its range (up to
        // TimeSpan.MaxValue) would overflow the sums or the timers instead of being reported.
        AddRangeFailures(failures, options);
        if (options.MinimumToleratedFailures < 0)
        {
            failures.Add(Invariant($"MinimumToleratedFailures ≥ 0 fails: MinimumToleratedFailures = {options.MinimumToleratedFailures}."));
        }
        else if (options.MinimumToleratedFailures > MaximumToleratedFailures)
        {
            failures.Add(Invariant($"MinimumToleratedFailures ≤ {MaximumToleratedFailures} fails: MinimumToleratedFailures = {options.MinimumToleratedFailures}."));
        }

        if (!Enum.IsDefined(options.AcquireTimeoutBehavior))
        {
            failures.Add(Invariant($"AcquireTimeoutBehavior must be Proceed or Throw, but is {(int)options.AcquireTimeoutBehavior}."));
        }

        BackendRules.AddFailures(failures, options);
        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            failures.Add(Invariant(
                $"RetryMaxDelay ≥ RetryBaseDelay fails: RetryMaxDelay = {D(options.RetryMaxDelay)}, RetryBaseDelay = {D(options.RetryBaseDelay)}."));
        }

        if (failures.Count == 0)
        {
            // These combine the values above; with any of them out of range they would only add noise (or overflow).
            AddGapFailures(failures, options);
        }

        return failures;
    }

    /// <summary>The inequalities that keep protection gap-free, each naming the values involved.</summary>
    private static void AddGapFailures(List<string> failures, TaskProtectionOptions options)
    {
        int minutes = options.ExpiresInMinutes;
        if (minutes < GapBudget.MinExpiresInMinutes || minutes > GapBudget.MaxExpiresInMinutes)
        {
            failures.Add(Invariant(
                $"1 ≤ ExpiresInMinutes ≤ 2880 fails: ExtensionInterval + ProtectionBuffer = {D(options.ExtensionInterval + options.ProtectionBuffer)} rounds up to {minutes} minutes, outside what the ECS agent accepts."));
        }

        TimeSpan watchdogNeed = options.RequestTimeout + options.SchedulingTolerance + options.SchedulingTolerance;
        if (options.GapSafetyMargin < watchdogNeed)
        {
            failures.Add(Invariant(
                $"GapSafetyMargin ≥ RequestTimeout + 2 × SchedulingTolerance fails: GapSafetyMargin = ProtectionBuffer − CheckInterval = {D(options.ProtectionBuffer)} − {D(options.CheckInterval)} = {D(options.GapSafetyMargin)}, needed {D(watchdogNeed)}. The watchdog could not renew in time a lease whose timer was missed; lower CheckInterval or raise ProtectionBuffer."));
        }

        int required = options.MinimumToleratedFailures;
        TimeSpan worstCase = GapBudget.WorstCaseTime(options, required);
        if (worstCase > options.ProtectionBuffer)
        {
            failures.Add(Invariant(
                $"ProtectionBuffer ≥ (k+1)·RequestTimeout + Σ retry delay caps + (2k+2)·(SchedulingTolerance + 1 ms) fails for k = MinimumToleratedFailures = {required}: ProtectionBuffer = {D(options.ProtectionBuffer)}, needed {D(worstCase)} (RequestTimeout = {D(options.RequestTimeout)}, RetryBaseDelay = {D(options.RetryBaseDelay)}, RetryMaxDelay = {D(options.RetryMaxDelay)}, SchedulingTolerance = {D(options.SchedulingTolerance)}). This configuration {GapBudget.DescribeTolerance(options.ToleratedConsecutiveFailures)}; raise ProtectionBuffer or shorten the timeout and retry delays."));
        }

        if (options.DrainTimeout + options.RequestTimeout > MaximumEcsStopTimeout)
        {
            failures.Add(Invariant(
                $"DrainTimeout + RequestTimeout ≤ {D(MaximumEcsStopTimeout)} fails: {D(options.DrainTimeout)} + {D(options.RequestTimeout)} = {D(options.DrainTimeout + options.RequestTimeout)}. ECS kills a container at most {D(MaximumEcsStopTimeout)} after SIGTERM, so the drain and the final release must end before; lower DrainTimeout."));
        }

        if (options.MaxProtectionDuration < options.LeaseDuration)
        {
            failures.Add(Invariant(
                $"MaxProtectionDuration ≥ lease fails: MaxProtectionDuration = {D(options.MaxProtectionDuration)}, but a single lease of ExpiresInMinutes = {minutes} lasts {D(options.LeaseDuration)}."));
        }
        else if (options.MaxProtectionDrain is { } drain && drain > options.MaxProtectionDuration - options.LeaseDuration)
        {
            failures.Add(Invariant(
                $"MaxProtectionDrain ≤ MaxProtectionDuration − lease fails: MaxProtectionDrain = {D(drain)}, MaxProtectionDuration = {D(options.MaxProtectionDuration)}, lease {D(options.LeaseDuration)}. Sessions may start only in the first MaxProtectionDuration − MaxProtectionDrain of continuous protection: raise MaxProtectionDuration, or lower MaxProtectionDrain (0 turns the drain off)."));
        }
    }

    /// <summary>One rule per option: each duration between its documented bounds.</summary>
    private static void AddRangeFailures(List<string> failures, TaskProtectionOptions o)
    {
        RequirePositive(failures, nameof(o.CheckInterval), o.CheckInterval, Day);
        RequirePositive(failures, nameof(o.ExtensionInterval), o.ExtensionInterval, MaximumLease);
        RequirePositive(failures, nameof(o.ProtectionBuffer), o.ProtectionBuffer, MaximumLease);
        RequirePositive(failures, nameof(o.MaxProtectionDuration), o.MaxProtectionDuration, MaximumProtectionDuration);
        RequirePositive(failures, nameof(o.RetryBaseDelay), o.RetryBaseDelay, Hour);
        RequirePositive(failures, nameof(o.AcquireTimeout), o.AcquireTimeout, Day);
        RequirePositive(failures, nameof(o.DrainTimeout), o.DrainTimeout, MaximumEcsStopTimeout);
        RequireBetween(failures, nameof(o.ReleaseDelay), o.ReleaseDelay, TimeSpan.Zero, Day);
        if (o.MaxProtectionDrain is { } drain)
        {
            RequireBetween(failures, nameof(o.MaxProtectionDrain), drain, TimeSpan.Zero, MaximumProtectionDuration);
        }
        RequireBetween(failures, nameof(o.SchedulingTolerance), o.SchedulingTolerance, TimeSpan.Zero, Hour);
        RequireBetween(failures, nameof(o.DeploymentCheckInterval), o.DeploymentCheckInterval, MinimumDeploymentCheckInterval, Hour);
        RequireBetween(failures, nameof(o.RetryMaxDelay), o.RetryMaxDelay, TimeSpan.Zero, Hour);
        if (o.RequestTimeout < MinimumRequestTimeout)
        {
            failures.Add(Invariant(
                $"RequestTimeout ≥ {D(MinimumRequestTimeout)} fails: RequestTimeout = {D(o.RequestTimeout)}. The ECS agent waits up to 4 s for ECS and answers within 5 s; a shorter timeout abandons calls that would succeed."));
        }
        else
        {
            RequireBetween(failures, nameof(o.RequestTimeout), o.RequestTimeout, MinimumRequestTimeout, MaximumRequestTimeout);
        }

        if (o.MaxProtectionCooldown < MinimumCooldown || o.MaxProtectionCooldown > MaximumCooldown)
        {
            failures.Add(Invariant(
                $"{D(MinimumCooldown)} ≤ MaxProtectionCooldown ≤ {D(MaximumCooldown)} fails: MaxProtectionCooldown = {D(o.MaxProtectionCooldown)}. It is the window ECS gets to scale in or replace a task after MaxProtectionDuration: shorter gives it no time to act."));
        }
    }

    private static void RequirePositive(List<string> failures, string name, TimeSpan value, TimeSpan maximum)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add(Invariant($"{name} > 0 fails: {name} = {D(value)}."));
        }
        else if (value > maximum)
        {
            failures.Add(Invariant($"{name} ≤ {D(maximum)} fails: {name} = {D(value)}."));
        }
    }

    private static void RequireBetween(List<string> failures, string name, TimeSpan value, TimeSpan minimum, TimeSpan maximum)
    {
        if (value < minimum)
        {
            string bound = minimum == TimeSpan.Zero ? "0" : D(minimum);
            failures.Add(Invariant($"{name} ≥ {bound} fails: {name} = {D(value)}."));
        }
        else if (value > maximum)
        {
            failures.Add(Invariant($"{name} ≤ {D(maximum)} fails: {name} = {D(value)}."));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string D(TimeSpan span) => DurationText.Format(span);
}
