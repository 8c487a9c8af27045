using System.Globalization;

namespace TaskProtection.Cli.FakeAgent;

/// <summary>
/// Settings for trying the library against the fake agent without waiting minutes for a renewal: one-minute leases
/// renewed every 30 s. A short ProtectionBuffer needs a short CheckInterval too (the watchdog's margin), which is what
/// people copying only the lease settings miss; these are checked against the start-up validator before they are shown.
/// </summary>
internal static class ShortLeaseHint
{
    private static readonly (string Name, TimeSpan Value, Action<TaskProtectionOptions, TimeSpan> Set)[] Settings =
    [
        (nameof(TaskProtectionOptions.ExtensionInterval), TimeSpan.FromSeconds(30), static (o, v) => o.ExtensionInterval = v),
        (nameof(TaskProtectionOptions.ProtectionBuffer), TimeSpan.FromSeconds(30), static (o, v) => o.ProtectionBuffer = v),
        (nameof(TaskProtectionOptions.CheckInterval), TimeSpan.FromSeconds(10), static (o, v) => o.CheckInterval = v),
    ];

    /// <summary>The hint line; null if the settings ever stopped passing validation (then showing them would mislead).</summary>
    public static string? Text()
    {
        var options = new TaskProtectionOptions();
        foreach ((_, TimeSpan value, Action<TaskProtectionOptions, TimeSpan> set) in Settings)
        {
            set(options, value);
        }

        if (TaskProtectionOptionsValidator.FindFailures(options).Count > 0)
        {
            return null;
        }

        string variables = string.Join(' ', Settings.Select(static s => string.Create(CultureInfo.InvariantCulture, $"{TaskProtectionOptions.SectionName}__{s.Name}={s.Value:hh\\:mm\\:ss}")));
        TimeSpan period = options.LeaseDuration - options.ProtectionBuffer;
        return $"taskprotect: for {options.ExpiresInMinutes}-minute leases renewed every {DurationText.Format(period)} while you try it, in that shell also: export {variables}";
    }
}
