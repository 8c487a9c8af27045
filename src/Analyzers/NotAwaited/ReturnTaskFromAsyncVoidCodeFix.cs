using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FindSymbols;

namespace TaskProtection.Analyzers;

/// <summary>
/// TP0001 in an <c>async void</c> method: the method returns <c>Task</c> instead, so its callers can await it. Offered
/// only where nothing requires <c>void</c>: the method is not an override or an interface member, and is only ever
/// called, never bound to a delegate or event (an event handler keeps <c>void</c>; hand its work to something awaited).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReturnTaskFromAsyncVoidCodeFix))]
[Shared]
public sealed class ReturnTaskFromAsyncVoidCodeFix : CodeFixProvider
{
    private const string Title = "Return Task instead of void";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(Rules.NotAwaited.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        Diagnostic diagnostic = context.Diagnostics[0];
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (!diagnostic.Properties.ContainsKey(NotAwaitedAnalyzer.AsyncVoidProperty)
            || root?.FindNode(context.Span, getInnermostNodeForTie: true).FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method
            || model?.GetDeclaredSymbol(method, context.CancellationToken) is not { } symbol
            || !await IsOnlyCalledAsync(symbol, context.Document.Project.Solution, context.CancellationToken).ConfigureAwait(false))
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create(Title, token => FixAsync(context.Document, method, token), equivalenceKey: Title),
            diagnostic);
    }

    /// <summary>Whether the method's <c>void</c> is its own choice: not an override or interface member, and every reference a call.</summary>
    private static async Task<bool> IsOnlyCalledAsync(IMethodSymbol method, Solution solution, CancellationToken cancellationToken)
    {
        if (method.IsOverride || method.ExplicitInterfaceImplementations.Length > 0 || ImplementsInterface(method))
        {
            return false;
        }

        foreach (ReferencedSymbol referenced in await SymbolFinder.FindReferencesAsync(method, solution, cancellationToken).ConfigureAwait(false))
        {
            foreach (ReferenceLocation location in referenced.Locations)
            {
                SyntaxNode? root = await location.Document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                SyntaxNode? name = root?.FindNode(location.Location.SourceSpan, getInnermostNodeForTie: true);
                SyntaxNode? callee = name?.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
                if (callee?.Parent is not InvocationExpressionSyntax invocation || invocation.Expression != callee)
                {
                    return false; // a method group: bound to a delegate or an event that requires void
                }
            }
        }

        return true;
    }

    private static bool ImplementsInterface(IMethodSymbol method) =>
        method.ContainingType.AllInterfaces.SelectMany(static i => i.GetMembers()).Any(member =>
            SymbolEqualityComparer.Default.Equals(method.ContainingType.FindImplementationForInterfaceMember(member), method));

    private static async Task<Document> FixAsync(Document document, MethodDeclarationSyntax method, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        return document.WithSyntaxRoot(root.ReplaceNode(method, CodeFixSyntax.ReturningTask(method)));
    }
}
