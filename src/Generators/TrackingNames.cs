namespace TaskProtection.Generators;

/// <summary>Names of the pipeline steps, so that tests can check each one is cached after unrelated edits.</summary>
internal static class TrackingNames
{
    public const string Parsed = nameof(Parsed);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Specs = nameof(Specs);
    public const string Types = nameof(Types);

    /// <summary>Diagnostics paired with the current compilation to be reported: re-runs on every compilation by design.</summary>
    public const string DiagnosticsToReport = nameof(DiagnosticsToReport);
}
