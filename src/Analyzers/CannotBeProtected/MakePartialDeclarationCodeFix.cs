using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace TaskProtection.Analyzers;

/// <summary>
/// TP0101: turns a <c>[CriticalSection]</c> method with a body into a partial declaration and moves the body into a new
/// implementation method (<c>{Name}Core</c> / <c>{Stem}CoreAsync</c>), keeping <c>async</c> where it was.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialDeclarationCodeFix))]
[Shared]
public sealed class MakePartialDeclarationCodeFix : CodeFixProvider
{
    private const string Title = "Make it a partial declaration and move the body into the implementation method";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(Rules.NotPartialDeclarationId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        MethodDeclarationSyntax? method = await CodeFixSyntax.FindMethodAsync(context.Document, context.Span, context.CancellationToken).ConfigureAwait(false);
        if (method is null || (method.Body is null && method.ExpressionBody is null) || method.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create(Title, token => FixAsync(context.Document, method, token), equivalenceKey: Title),
            context.Diagnostics);
    }

    private static async Task<Document> FixAsync(Document document, MethodDeclarationSyntax method, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        bool isAsync = method.Modifiers.Any(SyntaxKind.AsyncKeyword);
        MethodDeclarationSyntax implementation = CodeFixSyntax.PlacedAfter(
            CodeFixSyntax.Implementation(method, isAsync, method.Body, method.ExpressionBody),
            method);

        SyntaxTokenList modifiers = SyntaxFactory.TokenList(method.Modifiers.Where(static m => !m.IsKind(SyntaxKind.AsyncKeyword)))
            .Add(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space));
        MethodDeclarationSyntax declaration = method
            .WithModifiers(modifiers)
            .WithBody(null)
            .WithExpressionBody(null)
            .WithSemicolonToken(SyntaxFactory.Token(SyntaxKind.SemicolonToken).WithTrailingTrivia(method.GetTrailingTrivia()))
            .WithAdditionalAnnotations(Formatter.Annotation);

        SyntaxNode fixedRoot = root.ReplaceNode(method, new SyntaxNode[] { declaration, implementation });
        return document.WithSyntaxRoot(fixedRoot);
    }
}
