using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TaskProtection.Analyzers;

/// <summary>TP0103: adds the missing implementation method, with the declaration's signature, that throws until written.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddImplementationCodeFix))]
[Shared]
public sealed class AddImplementationCodeFix : CodeFixProvider
{
    private const string Title = "Add the implementation method";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(Rules.ImplementationMissingId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        MethodDeclarationSyntax? method = await CodeFixSyntax.FindMethodAsync(context.Document, context.Span, context.CancellationToken).ConfigureAwait(false);
        if (method is null || method.Body is not null || method.ExpressionBody is not null)
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
        MethodDeclarationSyntax implementation = CodeFixSyntax.PlacedAfter(
            CodeFixSyntax.Implementation(method, isAsync: false, body: null, CodeFixSyntax.NotImplemented()),
            method);
        return document.WithSyntaxRoot(root.InsertNodesAfter(method, new SyntaxNode[] { implementation }));
    }
}
