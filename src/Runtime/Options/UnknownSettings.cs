using Microsoft.Extensions.Configuration;

namespace TaskProtection;

/// <summary>
/// Finds the keys under the <c>TaskProtection</c> configuration section (and its <c>EcsApi</c> part) that name no option,
/// so that a misspelt setting stops start-up instead of being silently ignored, with the nearest option's name when one
/// is close. The names are listed here, not reflected, for the runtime is trimmed and AOT-compiled; a test holds the
/// lists equal to the options' public settable properties.
/// </summary>
internal static class UnknownSettings
{
    /// <summary>The settable properties of <see cref="TaskProtectionOptions"/>.</summary>
    internal static readonly string[] OptionNames =
    [
        nameof(TaskProtectionOptions.CheckInterval), nameof(TaskProtectionOptions.ExtensionInterval),
        nameof(TaskProtectionOptions.ProtectionBuffer), nameof(TaskProtectionOptions.MaxProtectionDuration),
        nameof(TaskProtectionOptions.MaxProtectionCooldown), nameof(TaskProtectionOptions.MaxProtectionDrain),
        nameof(TaskProtectionOptions.RequestTimeout), nameof(TaskProtectionOptions.RetryBaseDelay),
        nameof(TaskProtectionOptions.RetryMaxDelay), nameof(TaskProtectionOptions.ReleaseDelay),
        nameof(TaskProtectionOptions.AcquireTimeout), nameof(TaskProtectionOptions.AcquireTimeoutBehavior),
        nameof(TaskProtectionOptions.SchedulingTolerance), nameof(TaskProtectionOptions.MinimumToleratedFailures),
        nameof(TaskProtectionOptions.DrainTimeout), nameof(TaskProtectionOptions.RefuseSessionsDuringShutdown),
        nameof(TaskProtectionOptions.AgentUri), nameof(TaskProtectionOptions.CoordinationDirectory),
        nameof(TaskProtectionOptions.Backend), nameof(TaskProtectionOptions.EcsApi),
        nameof(TaskProtectionOptions.DrainOnDeployment), nameof(TaskProtectionOptions.DeploymentCheckInterval),
    ];

    /// <summary>The read-only figures of <see cref="TaskProtectionOptions"/>: computed from the options, never set.</summary>
    internal static readonly string[] ComputedNames =
    [
        nameof(TaskProtectionOptions.GapSafetyMargin), nameof(TaskProtectionOptions.ExpiresInMinutes),
        nameof(TaskProtectionOptions.LeaseDuration), nameof(TaskProtectionOptions.CapDrain),
        nameof(TaskProtectionOptions.ToleratedConsecutiveFailures),
    ];

    /// <summary>The settable properties of <see cref="EcsApiOptions"/>, bound from <c>TaskProtection:EcsApi</c>.</summary>
    internal static readonly string[] EcsApiNames =
    [
        nameof(EcsApiOptions.Region), nameof(EcsApiOptions.EndpointUrl), nameof(EcsApiOptions.Profile),
        nameof(EcsApiOptions.Cluster), nameof(EcsApiOptions.TaskArn),
    ];

    /// <summary>One sentence per key under <c>TaskProtection</c> that is not an option; empty when every key is one.</summary>
    public static IReadOnlyList<string> Find(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        foreach (IConfigurationSection setting in configuration.GetSection(TaskProtectionOptions.SectionName).GetChildren())
        {
            if (string.Equals(setting.Key, nameof(TaskProtectionOptions.EcsApi), StringComparison.OrdinalIgnoreCase))
            {
                problems.AddRange(setting.GetChildren().Where(s => !IsOneOf(s.Key, EcsApiNames)).Select(s => Describe(s, EcsApiNames, [])));
            }
            else if (!IsOneOf(setting.Key, OptionNames))
            {
                problems.Add(Describe(setting, OptionNames, ComputedNames));
            }
            else
            {
                // A value was expected: keys under it (ReleaseDelay:Seconds, say) would be ignored as silently.
                problems.AddRange(setting.GetChildren().Select(s => $"Unknown setting {s.Path}: {setting.Key} takes a value, not settings under it."));
            }
        }

        return problems;
    }

    /// <summary>The known name nearest to <paramref name="key"/>, ignoring case, when it is a likely misspelling of it.</summary>
    public static string? Nearest(string key, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(names);

        // Up to one edit in four characters, and at most three: close enough to be a slip, not another word.
        int allowed = Math.Clamp(key.Length / 4, 1, 3);
        return names.Select(name => (Name: name, Distance: EditDistance(key.ToUpperInvariant(), name.ToUpperInvariant())))
            .Where(c => c.Distance <= allowed)
            .OrderBy(c => c.Distance)
            .Select(c => c.Name)
            .FirstOrDefault();
    }

    private static string Describe(IConfigurationSection setting, string[] names, string[] computed)
    {
        if (computed.FirstOrDefault(c => string.Equals(c, setting.Key, StringComparison.OrdinalIgnoreCase)) is { } figure)
        {
            return $"Unknown setting {setting.Path}: {figure} is computed from the other options and cannot be set.";
        }

        return Nearest(setting.Key, names) is { } suggestion
            ? $"Unknown setting {setting.Path}: did you mean {suggestion}?"
            : $"Unknown setting {setting.Path}: no option has that name.";
    }

    private static bool IsOneOf(string key, string[] names) => names.Any(n => string.Equals(n, key, StringComparison.OrdinalIgnoreCase));

    /// <summary>Edit distance counting an insertion, a deletion, a substitution or two neighbours swapped as one edit each.</summary>
    private static int EditDistance(string a, string b)
    {
        var rows = new int[3][];
        for (int r = 0; r < 3; r++)
        {
            rows[r] = new int[b.Length + 1];
        }

        for (int j = 0; j <= b.Length; j++)
        {
            rows[0][j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            // Row i lives in rows[i % 3]: the two rows before it are all the swap rule needs.
            (int[] beforePrevious, int[] previous, int[] current) = (rows[(i + 1) % 3], rows[(i + 2) % 3], rows[i % 3]);
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(previous[j - 1] + cost, Math.Min(previous[j], current[j - 1]) + 1);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    current[j] = Math.Min(current[j], beforePrevious[j - 2] + 1);
                }
            }
        }

        return rows[a.Length % 3][b.Length];
    }
}
