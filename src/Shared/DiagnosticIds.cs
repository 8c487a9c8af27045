namespace TaskProtection;

/// <summary>
/// Every diagnostic ID TaskProtection reports, its category and its help link: one registry compiled into the
/// generator (TP01xx, errors), the analyzers (TP00xx, and the code fixes for TP01xx) and their tests.
/// </summary>
internal static class DiagnosticIds
{
    public const string Category = "TaskProtection";

    public const string NotAwaited = "TP0001";
    public const string UnboundedLoop = "TP0002";
    public const string Bypassed = "TP0003";
    public const string Blocking = "TP0004";
    public const string Synchronous = "TP0005";
    public const string SessionNotEnded = "TP0006";

    public const string NotPartialDeclaration = "TP0101";
    public const string ContainingTypeNotPartial = "TP0102";
    public const string ImplementationMissing = "TP0103";
    public const string ImplementationMismatch = "TP0104";
    public const string AsyncVoidImplementation = "TP0105";
    public const string CannotCrossAwait = "TP0106";
    public const string UnsupportedReturnType = "TP0107";
    public const string UnsupportedContainingType = "TP0108";
    public const string InvalidSessionName = "TP0109";
    public const string AlreadyImplemented = "TP0110";

    /// <summary>Every ID above, analyzers first.</summary>
    public static readonly string[] All =
    [
        NotAwaited, UnboundedLoop, Bypassed, Blocking, Synchronous, SessionNotEnded,
        NotPartialDeclaration, ContainingTypeNotPartial, ImplementationMissing, ImplementationMismatch, AsyncVoidImplementation,
        CannotCrossAwait, UnsupportedReturnType, UnsupportedContainingType, InvalidSessionName, AlreadyImplemented,
    ];

    /// <summary>The rule's page in the repository's docs.</summary>
    public static string HelpLink(string id) => $"https://github.com/taskprotection/taskprotection/blob/main/docs/rules/{id}.md";
}
