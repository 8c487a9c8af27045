using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace TaskProtection;

/// <summary>
/// What <c>AddTaskProtection</c> checks at start-up, reported as one failure so that the host prints sentences, not
/// failures joined with "; ": every key under <c>TaskProtection</c> names an option (<see cref="UnknownSettings"/>), the
/// options keep protection gap-free (<see cref="TaskProtectionOptionsValidator"/>), and the host would not cut the drain
/// short: it stops waiting for hosted services after <see cref="HostOptions.ShutdownTimeout"/>, and the drain plus the
/// final release must fit in that.
/// </summary>
/// <param name="hostOptions">The host's shutdown timeout.</param>
/// <param name="configuration">The app's configuration, whose <c>TaskProtection</c> keys are checked; none to check when null.</param>
internal sealed class StartupValidator(IOptions<HostOptions> hostOptions, IConfiguration? configuration) : IValidateOptions<TaskProtectionOptions>
{
    public ValidateOptionsResult Validate(string? name, TaskProtectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (configuration is not null && (name is null || name == Options.DefaultName))
        {
            failures.AddRange(UnknownSettings.Find(configuration));
        }

        failures.AddRange(TaskProtectionOptionsValidator.FindFailures(options));
        if (DrainCutShort(options) is { } drain)
        {
            failures.Add(drain);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(ValidationText.Join("Invalid TaskProtection configuration", failures));
    }

    private string? DrainCutShort(TaskProtectionOptions options)
    {
        TimeSpan needed = options.DrainTimeout + options.RequestTimeout;
        TimeSpan shutdownTimeout = hostOptions.Value.ShutdownTimeout;
        if (needed <= shutdownTimeout)
        {
            return null;
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"DrainTimeout + RequestTimeout ≤ HostOptions.ShutdownTimeout fails: {DurationText.Format(options.DrainTimeout)} + {DurationText.Format(options.RequestTimeout)} = {DurationText.Format(needed)}, but the host stops waiting after {DurationText.Format(shutdownTimeout)} and would cut the drain short. Raise the host's timeout (builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds({Math.Ceiling(needed.TotalSeconds)}))) and the ECS stopTimeout with it, or lower TaskProtection:DrainTimeout.");
    }
}
