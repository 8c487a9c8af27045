namespace TaskProtection;

/// <summary>
/// Several validation failures as one message: each failure is a sentence of its own, so they go one a line, never
/// joined as "fails: ….; …" the way <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> joins a list.
/// </summary>
internal static class ValidationText
{
    public static string Join(string title, IReadOnlyList<string> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        return failures.Count == 1
            ? $"{title}: {failures[0]}"
            : $"{title}, {failures.Count} problems:" + string.Concat(failures.Select(f => Environment.NewLine + "  - " + f));
    }
}
