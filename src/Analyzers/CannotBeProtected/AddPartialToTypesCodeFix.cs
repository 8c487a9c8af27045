using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TaskProtection.Analyzers;

/// <summary>TP0102: adds <c>partial</c> to every type, up the nesting chain, that contains the critical section.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddPartialToTypesCodeFix))]
[Shared]
public sealed class AddPartialToTypesCodeFix : CodeFixProvider
{
    private const string Title = "Make the containing types partial";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(Rules.ContainingTypeNotPartialId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        MethodDeclarationSyntax? method = await CodeFixSyntax.FindMethodAsync(context.Document, context.Span, context.CancellationToken).ConfigureAwait(false);
        if (method is null || !NotPartial(method).Any())
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create(Title, token => FixAsync(context.Document, method, token), equivalenceKey: Title),
            context.Diagnostics);
    }

    private static IEnumerable<TypeDeclarationSyntax> NotPartial(MethodDeclarationSyntax method) =>
        method.Ancestors().OfType<TypeDeclarationSyntax>().Where(static t => !t.Modifiers.Any(SyntaxKind.PartialKeyword));

    private static async Task<Document> FixAsync(Document document, MethodDeclarationSyntax method, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        SyntaxNode fixedRoot = root.ReplaceNodes(
            NotPartial(method),
            static (_, rewritten) =>
            {
                var type = (TypeDeclarationSyntax)rewritten;
                SyntaxToken partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
                return type.Modifiers.Count == 0
                    ? type.WithModifiers(SyntaxFactory.TokenList(partial.WithLeadingTrivia(type.Keyword.LeadingTrivia)))
                        .WithKeyword(type.Keyword.WithLeadingTrivia())
                    : type.AddModifiers(partial);
            });
        return document.WithSyntaxRoot(fixedRoot);
    }
}
