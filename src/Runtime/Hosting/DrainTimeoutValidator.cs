using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace TaskProtection;

/// <summary>
/// Fails start-up when the host would cut the drain short: it stops waiting for hosted services after
/// <see cref="HostOptions.ShutdownTimeout"/>, and the drain plus the final release must fit in that.
/// </summary>
internal sealed class DrainTimeoutValidator(IOptions<HostOptions> hostOptions) : IValidateOptions<TaskProtectionOptions>
{
    public ValidateOptionsResult Validate(string? name, TaskProtectionOptions options)
    {
        TimeSpan needed = options.DrainTimeout + options.RequestTimeout;
        TimeSpan shutdownTimeout = hostOptions.Value.ShutdownTimeout;
        if (needed <= shutdownTimeout)
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(string.Create(
            CultureInfo.InvariantCulture,
            $"DrainTimeout + RequestTimeout ≤ HostOptions.ShutdownTimeout fails: {DurationText.Format(options.DrainTimeout)} + {DurationText.Format(options.RequestTimeout)} = {DurationText.Format(needed)}, but the host stops waiting after {DurationText.Format(shutdownTimeout)} and would cut the drain short. Raise the host's timeout (builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds({Math.Ceiling(needed.TotalSeconds)}))) and the ECS stopTimeout with it, or lower TaskProtection:DrainTimeout."));
    }
}
