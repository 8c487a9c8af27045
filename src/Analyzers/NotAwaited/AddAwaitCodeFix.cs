using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TaskProtection.Analyzers;

/// <summary>TP0001: <c>Work();</c> or <c>_ = Work();</c> becomes <c>await Work();</c> where the enclosing function is async.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddAwaitCodeFix))]
[Shared]
public sealed class AddAwaitCodeFix : CodeFixProvider
{
    private const string Title = "Await the critical section";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(Rules.NotAwaited.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindNode(context.Span, getInnermostNodeForTie: true) is not { } node
            || node.FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { } statement
            || Awaitable(statement) is null
            || !CodeFixSyntax.IsInAsyncFunction(statement))
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create(Title, token => AddAwaitAsync(context.Document, statement, token), equivalenceKey: Title),
            context.Diagnostics);
    }

    /// <summary>The expression to await: the statement's expression, or the right side of <c>_ = …</c>.</summary>
    private static ExpressionSyntax? Awaitable(ExpressionStatementSyntax statement) => statement.Expression switch
    {
        AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" }, Right: var right } => right,
        InvocationExpressionSyntax invocation => invocation,
        _ => null,
    };

    private static async Task<Document> AddAwaitAsync(Document document, ExpressionStatementSyntax statement, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        ExpressionSyntax awaited = Awaitable(statement)!.WithoutTrivia();
        ExpressionStatementSyntax replacement = statement
            .WithExpression(SyntaxFactory.AwaitExpression(awaited).WithLeadingTrivia(statement.Expression.GetLeadingTrivia()))
            .WithTriviaFrom(statement);
        return document.WithSyntaxRoot(root.ReplaceNode(statement, replacement));
    }
}
