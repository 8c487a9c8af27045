using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TaskProtection.Analyzers;

/// <summary>TP0105: an <c>async void</c> implementation and its declaration both return <c>Task</c> instead.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReturnTaskCodeFix))]
[Shared]
public sealed class ReturnTaskCodeFix : CodeFixProvider
{
    private const string Title = "Return Task from the critical section and its implementation";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(Rules.AsyncVoidImplementationId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        MethodDeclarationSyntax? declaration = await CodeFixSyntax.FindMethodAsync(context.Document, context.Span, context.CancellationToken).ConfigureAwait(false);
        if (declaration?.Parent is not TypeDeclarationSyntax type)
        {
            return;
        }

        string implementationName = CriticalSectionNames.ImplementationName(declaration.Identifier.ValueText);
        MethodDeclarationSyntax? implementation = type.Members.OfType<MethodDeclarationSyntax>().FirstOrDefault(m =>
            m.Identifier.ValueText == implementationName && m.Modifiers.Any(SyntaxKind.AsyncKeyword) && IsVoid(m.ReturnType));
        if (implementation is null || !IsVoid(declaration.ReturnType))
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create(Title, token => FixAsync(context.Document, declaration, implementation, token), equivalenceKey: Title),
            context.Diagnostics);
    }

    private static bool IsVoid(TypeSyntax type) => type is PredefinedTypeSyntax predefined && predefined.Keyword.IsKind(SyntaxKind.VoidKeyword);

    private static async Task<Document> FixAsync(Document document, MethodDeclarationSyntax declaration, MethodDeclarationSyntax implementation, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        SyntaxNode fixedRoot = root.ReplaceNodes(
            new[] { declaration, implementation },
            static (_, rewritten) => CodeFixSyntax.ReturningTask((MethodDeclarationSyntax)rewritten));
        return document.WithSyntaxRoot(fixedRoot);
    }
}
