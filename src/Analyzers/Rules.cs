using Microsoft.CodeAnalysis;

namespace TaskProtection.Analyzers;

/// <summary>
/// The analyzers' rules, TP0001–TP0006. TP0101–TP0110 (a critical section that cannot be protected) are reported by the
/// source generator, which knows best what it cannot wrap; the code fixes here handle them.
/// </summary>
internal static class Rules
{
    public static readonly DiagnosticDescriptor NotAwaited = Create(
        DiagnosticIds.NotAwaited,
        "A critical async call is not awaited",
        "The task of critical section '{0}' is {1}: the caller goes on before the work ends, and a failure goes unseen. Await it.",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor UnboundedLoop = Create(
        DiagnosticIds.UnboundedLoop,
        "A loop in a critical section has no way out",
        "This loop in critical section '{0}' never ends on its own (no break, return, throw, cancellation check or awaited call with a CancellationToken): its session, and the task's protection, would last until ECS caps it",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor Bypassed = Create(
        DiagnosticIds.Bypassed,
        "A critical section's implementation is called directly",
        "'{0}' is the implementation of critical section '{1}': calling it directly runs the work without a session, unprotected. Call '{1}' instead.",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor Blocking = Create(
        DiagnosticIds.Blocking,
        "Blocking call in a critical async section",
        "'{0}' blocks a thread inside critical section '{1}': under load this starves the thread pool that renews protection. Await instead.",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor Synchronous = Create(
        DiagnosticIds.Synchronous,
        "Synchronous critical section",
        "Critical section '{0}' is synchronous, so its body can start before ECS confirms protection; return Task or ValueTask to wait for it",
        DiagnosticSeverity.Info);

    public static readonly DiagnosticDescriptor SessionNotEnded = Create(
        DiagnosticIds.SessionNotEnded,
        "A critical session is never ended",
        "The session entered here is {0}: it stays active until the process exits, keeping the task protected and deployments waiting until MaxProtectionDuration caps protection. End it with 'using' or Dispose().",
        DiagnosticSeverity.Warning);

    /// <summary>The generator's errors that have code fixes here.</summary>
    public const string NotPartialDeclarationId = DiagnosticIds.NotPartialDeclaration;
    public const string ContainingTypeNotPartialId = DiagnosticIds.ContainingTypeNotPartial;
    public const string ImplementationMissingId = DiagnosticIds.ImplementationMissing;
    public const string AsyncVoidImplementationId = DiagnosticIds.AsyncVoidImplementation;

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity) =>
        new(id, title, message, DiagnosticIds.Category, severity, isEnabledByDefault: true, description: null, helpLinkUri: DiagnosticIds.HelpLink(id));
}
