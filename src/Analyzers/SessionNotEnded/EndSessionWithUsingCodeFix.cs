using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace TaskProtection.Analyzers;

/// <summary>
/// TP0006: the session ends at the end of its scope. <c>var s = registry.Enter(…);</c> becomes <c>using var s = …;</c>;
/// <c>registry.Enter(…);</c>, <c>_ = registry.Enter(…);</c> and <c>await registry.EnterAsync(…);</c> become
/// <c>using var session = …;</c> with a name nothing else in the member uses; a discarded <c>EnterAsync</c> task is
/// awaited into one. <c>await using</c> where the function is async. Offered only where a using declaration compiles:
/// a statement directly in a block (or a top-level statement), C# 8 or later, a local that is never assigned again.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(EndSessionWithUsingCodeFix))]
[Shared]
public sealed class EndSessionWithUsingCodeFix : CodeFixProvider
{
    private const string EquivalenceKey = "EndSessionWithUsing";
    private const string NewLocalName = "session";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(Rules.SessionNotEnded.Id);

    /// <summary>
    /// Fix All applies the fixes one after another, in the order of the code, so that two sessions dropped in one method
    /// get two names (a batch of independent fixes would name both <c>session</c>).
    /// </summary>
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        Diagnostic diagnostic = context.Diagnostics[0];
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || FixableStatement(root, diagnostic) is not { } target)
        {
            return;
        }

        string title = CanAwait(target.Statement) ? "End the session with 'await using'" : "End the session with 'using'";
        context.RegisterCodeFix(
            CodeAction.Create(title, token => FixAsync(context.Document, target.Statement, target.Fix, token), EquivalenceKey),
            diagnostic);
    }

    private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false))!;
        var targets = new Dictionary<StatementSyntax, string>();
        foreach (Diagnostic diagnostic in diagnostics.OrderBy(static d => d.Location.SourceSpan.Start))
        {
            if (FixableStatement(root, diagnostic) is { } target)
            {
                targets[target.Statement] = target.Fix; // two sessions in one declaration: one fix
            }
        }

        document = document.WithSyntaxRoot(root.TrackNodes(targets.Keys));
        foreach (KeyValuePair<StatementSyntax, string> target in targets)
        {
            SyntaxNode current = (await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false))!;
            if (current.GetCurrentNode(target.Key) is { } statement)
            {
                document = await FixAsync(document, statement, target.Value, context.CancellationToken).ConfigureAwait(false);
            }
        }

        return document;
    }

    /// <summary>The statement to rewrite, when the analyzer named a fix and a using declaration compiles there.</summary>
    private static FixTarget? FixableStatement(SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(SessionNotEndedAnalyzer.FixProperty, out string? fix)
            || fix is null
            || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<StatementSyntax>() is not { } statement
            || statement.Parent is not (BlockSyntax or GlobalStatementSyntax)
            || ((CSharpParseOptions)statement.SyntaxTree.Options).LanguageVersion < LanguageVersion.CSharp8)
        {
            return null;
        }

        bool fits = (fix, statement) switch
        {
            (SessionNotEndedAnalyzer.UsingLocalFix, LocalDeclarationStatementSyntax declaration) =>
                declaration.UsingKeyword.IsKind(SyntaxKind.None) && !declaration.IsConst
                && declaration.Declaration.Variables.All(static v => v.Initializer is not null),
            (SessionNotEndedAnalyzer.NewUsingLocalFix, ExpressionStatementSyntax) => true,
            (SessionNotEndedAnalyzer.AwaitIntoNewUsingLocalFix, ExpressionStatementSyntax) => CanAwait(statement),
            _ => false,
        };
        return fits ? new FixTarget(statement, fix) : null;
    }

    private static async Task<Document> FixAsync(Document document, StatementSyntax statement, string fix, CancellationToken cancellationToken)
    {
        SyntaxNode root = (await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        SemanticModel model = (await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false))!;
        bool awaitUsing = CanAwait(statement);
        LocalDeclarationStatementSyntax replacement = statement switch
        {
            LocalDeclarationStatementSyntax declaration => WithUsing(declaration.WithoutLeadingTrivia(), awaitUsing),
            ExpressionStatementSyntax expression => NewUsingLocal(expression, FreeName(model, expression), awaitUsing, fix == SessionNotEndedAnalyzer.AwaitIntoNewUsingLocalFix),
            _ => throw new InvalidOperationException("No TP0006 fix for " + statement.Kind()),
        };
        return document.WithSyntaxRoot(root.ReplaceNode(statement, replacement.WithLeadingTrivia(statement.GetLeadingTrivia())));
    }

    /// <summary><c>using var {name} = {value};</c> for the statement's value (the right side of <c>_ = …</c>), awaited when asked.</summary>
    private static LocalDeclarationStatementSyntax NewUsingLocal(ExpressionStatementSyntax statement, string name, bool awaitUsing, bool awaitValue)
    {
        ExpressionSyntax value = statement.Expression is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" } } discard
            ? discard.Right.WithoutTrivia()
            : statement.Expression.WithoutTrivia();
        if (awaitValue)
        {
            value = SyntaxFactory.AwaitExpression(SyntaxFactory.Token(SyntaxKind.AwaitKeyword).WithTrailingTrivia(SyntaxFactory.Space), value);
        }

        VariableDeclaratorSyntax declarator = SyntaxFactory.VariableDeclarator(SyntaxFactory.Identifier(name).WithTrailingTrivia(SyntaxFactory.Space))
            .WithInitializer(SyntaxFactory.EqualsValueClause(SyntaxFactory.Token(SyntaxKind.EqualsToken).WithTrailingTrivia(SyntaxFactory.Space), value));
        LocalDeclarationStatementSyntax declaration = SyntaxFactory.LocalDeclarationStatement(SyntaxFactory.VariableDeclaration(
                SyntaxFactory.IdentifierName("var").WithTrailingTrivia(SyntaxFactory.Space),
                SyntaxFactory.SingletonSeparatedList(declarator)))
            .WithSemicolonToken(statement.SemicolonToken);
        return WithUsing(declaration, awaitUsing);
    }

    private static LocalDeclarationStatementSyntax WithUsing(LocalDeclarationStatementSyntax declaration, bool awaitUsing)
    {
        LocalDeclarationStatementSyntax withUsing = declaration.WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(SyntaxFactory.Space));
        return awaitUsing ? withUsing.WithAwaitKeyword(SyntaxFactory.Token(SyntaxKind.AwaitKeyword).WithTrailingTrivia(SyntaxFactory.Space)) : withUsing;
    }

    /// <summary>
    /// <c>session</c>, or <c>session1</c>, <c>session2</c>…: the first name no identifier in the member (or in the
    /// file's top-level statements) spells and no symbol in scope has, so that it neither collides nor shadows.
    /// </summary>
    private static string FreeName(SemanticModel model, StatementSyntax statement)
    {
        SyntaxNode scope = statement.Ancestors().FirstOrDefault(static a => a is MemberDeclarationSyntax and not GlobalStatementSyntax)
            ?? statement.SyntaxTree.GetRoot();
        var taken = new HashSet<string>(
            scope.DescendantTokens().Where(static t => t.IsKind(SyntaxKind.IdentifierToken)).Select(static t => t.ValueText),
            StringComparer.Ordinal);
        for (int suffix = 0; ; suffix++)
        {
            string name = suffix == 0 ? NewLocalName : NewLocalName + suffix;
            if (!taken.Contains(name) && model.LookupSymbols(statement.SpanStart, name: name).IsEmpty)
            {
                return name;
            }
        }
    }

    /// <summary>Whether <c>await</c> may be written at the statement: its function is async, and no <c>lock</c> encloses it there.</summary>
    private static bool CanAwait(StatementSyntax statement) =>
        CodeFixSyntax.IsInAsyncFunction(statement)
        && !statement.Ancestors().TakeWhile(static a => a is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax)).OfType<LockStatementSyntax>().Any();

    private readonly record struct FixTarget(StatementSyntax Statement, string Fix);
}
