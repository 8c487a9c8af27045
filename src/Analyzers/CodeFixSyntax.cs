using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace TaskProtection.Analyzers;

/// <summary>
/// Syntax the code fixes share: the implementation method that goes with a declaration ("cannot be protected"), and
/// whether the code around a statement is async (TP0001, TP0006).
/// </summary>
internal static class CodeFixSyntax
{
    public static async Task<MethodDeclarationSyntax?> FindMethodAsync(Document document, Microsoft.CodeAnalysis.Text.TextSpan span, CancellationToken cancellationToken)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return root?.FindNode(span, getInnermostNodeForTie: true).FirstAncestorOrSelf<MethodDeclarationSyntax>();
    }

    /// <summary>
    /// A private method with the declaration's signature (no default values, no <c>this</c>), named by the naming rule,
    /// static when the declaration is, with the given body or an expression body.
    /// </summary>
    public static MethodDeclarationSyntax Implementation(MethodDeclarationSyntax declaration, bool isAsync, BlockSyntax? body, ArrowExpressionClauseSyntax? expressionBody)
    {
        var modifiers = new List<SyntaxToken> { SyntaxFactory.Token(SyntaxKind.PrivateKeyword) };
        if (declaration.Modifiers.Any(SyntaxKind.StaticKeyword))
        {
            modifiers.Add(SyntaxFactory.Token(SyntaxKind.StaticKeyword));
        }

        if (declaration.Modifiers.Any(SyntaxKind.UnsafeKeyword))
        {
            modifiers.Add(SyntaxFactory.Token(SyntaxKind.UnsafeKeyword));
        }

        if (isAsync)
        {
            modifiers.Add(SyntaxFactory.Token(SyntaxKind.AsyncKeyword));
        }

        ParameterListSyntax parameters = declaration.ParameterList.WithParameters(SyntaxFactory.SeparatedList(
            declaration.ParameterList.Parameters.Select(static p => p
                .WithDefault(null)
                .WithAttributeLists(default)
                .WithModifiers(SyntaxFactory.TokenList(p.Modifiers.Where(static m => !m.IsKind(SyntaxKind.ThisKeyword)))))));

        MethodDeclarationSyntax implementation = SyntaxFactory.MethodDeclaration(
                attributeLists: default,
                modifiers: SyntaxFactory.TokenList(modifiers),
                returnType: declaration.ReturnType.WithoutTrivia(),
                explicitInterfaceSpecifier: null,
                identifier: SyntaxFactory.Identifier(CriticalSectionNames.ImplementationName(declaration.Identifier.ValueText)),
                typeParameterList: declaration.TypeParameterList,
                parameterList: parameters,
                constraintClauses: declaration.ConstraintClauses,
                body: body,
                expressionBody: expressionBody,
                semicolonToken: body is null ? SyntaxFactory.Token(SyntaxKind.SemicolonToken) : default)
            .NormalizeWhitespace(eol: EndOfLine(declaration).ToFullString(), elasticTrivia: true);
        return body is null ? implementation : implementation.WithBody(body).WithAdditionalAnnotations(Formatter.Annotation);
    }

    /// <summary>
    /// Lays out a new method to follow <paramref name="anchor"/>: a blank line, the anchor's indentation, and the anchor's
    /// own line break at the end.
    /// </summary>
    public static MethodDeclarationSyntax PlacedAfter(MethodDeclarationSyntax implementation, MethodDeclarationSyntax anchor)
    {
        SyntaxTrivia lineBreak = EndOfLine(anchor);
        SyntaxTrivia indentation = anchor.GetLeadingTrivia().LastOrDefault(static t => t.IsKind(SyntaxKind.WhitespaceTrivia));
        return implementation.WithLeadingTrivia(lineBreak, indentation).WithTrailingTrivia(lineBreak);
    }

    /// <summary>The line break the file uses after the given method.</summary>
    /// <summary>The method returning <c>Task</c> instead of its return type (simplified to <c>Task</c> where a using allows).</summary>
    public static MethodDeclarationSyntax ReturningTask(MethodDeclarationSyntax method) =>
        method.WithReturnType(SyntaxFactory.ParseTypeName("global::System.Threading.Tasks.Task")
            .WithTriviaFrom(method.ReturnType)
            .WithAdditionalAnnotations(Microsoft.CodeAnalysis.Simplification.Simplifier.Annotation));

    public static SyntaxTrivia EndOfLine(MethodDeclarationSyntax method)
    {
        SyntaxTrivia lineBreak = method.GetTrailingTrivia().LastOrDefault(static t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        return lineBreak == default ? SyntaxFactory.EndOfLine("\n") : lineBreak;
    }

    /// <summary><c>=> throw new global::System.NotImplementedException();</c></summary>
    public static ArrowExpressionClauseSyntax NotImplemented() =>
        SyntaxFactory.ArrowExpressionClause(SyntaxFactory.ThrowExpression(
            SyntaxFactory.ObjectCreationExpression(SyntaxFactory.ParseTypeName("global::System.NotImplementedException"))
                .WithArgumentList(SyntaxFactory.ArgumentList())));

    /// <summary>Whether the innermost function around the node (lambda, local function or method) is <c>async</c>.</summary>
    public static bool IsInAsyncFunction(SyntaxNode node)
    {
        foreach (SyntaxNode ancestor in node.Ancestors())
        {
            switch (ancestor)
            {
                case AnonymousFunctionExpressionSyntax lambda:
                    return lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
                case LocalFunctionStatementSyntax localFunction:
                    return localFunction.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case MethodDeclarationSyntax method:
                    return method.Modifiers.Any(SyntaxKind.AsyncKeyword);
                case MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }
}
