using Microsoft.CodeAnalysis;

namespace TaskProtection.Generators.Diagnostics;

/// <summary>
/// Errors for <c>[CriticalSection]</c> methods the generator cannot wrap. Each says what to change; none leaves broken
/// generated code behind. IDs TP01xx are errors (a method would run unprotected); the warnings TP00xx come from the analyzers.
/// </summary>
internal static class GeneratorDiagnostics
{
    public static readonly DiagnosticDescriptor NotPartialDeclaration = Create(
        DiagnosticIds.NotPartialDeclaration,
        "[CriticalSection] must be on a partial method declaration",
        "'{0}' cannot be protected: [CriticalSection] goes on a partial method declaration without a body, which the generator implements. Declare '{1}' and move the body into '{2}'.");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Create(
        DiagnosticIds.ContainingTypeNotPartial,
        "The type containing a critical section must be partial",
        "'{0}' cannot be protected: the generator adds its implementation to the containing type, so {1} must be declared 'partial'");

    public static readonly DiagnosticDescriptor ImplementationMissing = Create(
        DiagnosticIds.ImplementationMissing,
        "The implementation method of a critical section is missing",
        "'{0}' cannot be protected: its implementation method '{1}' was not found. Add '{2}' to '{3}' and put the work there.");

    public static readonly DiagnosticDescriptor ImplementationMismatch = Create(
        DiagnosticIds.ImplementationMismatch,
        "The implementation method does not match the critical section",
        "'{0}' cannot be protected: '{1}' does not match its declaration: {2}. Declare it as '{3}'.");

    public static readonly DiagnosticDescriptor AsyncVoidImplementation = Create(
        DiagnosticIds.AsyncVoidImplementation,
        "The implementation of a critical section is async void",
        "'{0}' cannot be protected: '{1}' is 'async void', so its session would end at the first await while the work goes on unprotected. Make both methods return Task.");

    public static readonly DiagnosticDescriptor CannotCrossAwait = Create(
        DiagnosticIds.CannotCrossAwait,
        "A critical section's parameter or instance cannot be carried into its protected body",
        "'{0}' cannot be protected: {1}. {2}");

    public static readonly DiagnosticDescriptor UnsupportedReturnType = Create(
        DiagnosticIds.UnsupportedReturnType,
        "The return type of a critical section is not supported",
        "'{0}' cannot be protected: {1}. Return void, a value, Task, Task<T>, ValueTask, ValueTask<T>, IAsyncEnumerable<T> or IEnumerable<T>.");

    public static readonly DiagnosticDescriptor UnsupportedContainingType = Create(
        DiagnosticIds.UnsupportedContainingType,
        "A critical section cannot be declared in this type",
        "'{0}' cannot be protected: {1}. Declare it in a class, struct or record that other files can extend.");

    public static readonly DiagnosticDescriptor InvalidSessionName = Create(
        DiagnosticIds.InvalidSessionName,
        "The session name of a critical section is empty",
        "'{0}' has an empty session name; pass a name such as \"{1}\" or use [CriticalSection] without arguments");

    public static readonly DiagnosticDescriptor AlreadyImplemented = Create(
        DiagnosticIds.AlreadyImplemented,
        "A critical section must not have a hand-written implementing part",
        "'{0}' cannot be protected: it already has an implementing part, which would run unprotected. Remove it; the generator writes it, and the work belongs in '{1}'.");

    /// <summary>Every descriptor the generator reports.</summary>
    public static readonly DiagnosticDescriptor[] All =
    [
        NotPartialDeclaration, ContainingTypeNotPartial, ImplementationMissing, ImplementationMismatch,
        AsyncVoidImplementation, CannotCrossAwait, UnsupportedReturnType, UnsupportedContainingType,
        InvalidSessionName, AlreadyImplemented,
    ];

    public static DiagnosticDescriptor ById(string id)
    {
        foreach (DiagnosticDescriptor descriptor in All)
        {
            if (descriptor.Id == id)
            {
                return descriptor;
            }
        }

        throw new ArgumentException($"Unknown diagnostic id '{id}'.", nameof(id));
    }

    private static DiagnosticDescriptor Create(string id, string title, string message) =>
        new(
            id,
            title,
            message,
            DiagnosticIds.Category,
            DiagnosticSeverity.Error,
            isEnabledByDefault: true,
            description: null,
            helpLinkUri: DiagnosticIds.HelpLink(id),

            // Not configurable: neither #pragma nor .editorconfig may turn an unwrappable critical section into a build
            // that passes and a method that runs unprotected.
            customTags: WellKnownDiagnosticTags.NotConfigurable);
}
