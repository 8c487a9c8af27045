using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TaskProtection.Analyzers;

/// <summary>
/// TP0002: <c>while (true)</c>, <c>for (;;)</c>, <c>do … while (true)</c> (any constant-true condition) in a critical
/// section's implementation, its local functions or lambdas, with no way out: no break of this loop, return, throw,
/// goto, yield break, <c>ThrowIfCancellationRequested()</c>, or awaited call given a CancellationToken.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnboundedLoopAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rules.UnboundedLoop);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        CriticalSymbols.RegisterWhereReferenced(
            context,
            static (start, symbols) => start.RegisterSyntaxNodeAction(
                c => Analyze(c, symbols),
                SyntaxKind.WhileStatement,
                SyntaxKind.DoStatement,
                SyntaxKind.ForStatement));
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, CriticalSymbols symbols)
    {
        // Cheapest tests first, before any semantic work: the loop is in a method named as an implementation is
        // ({Name}Core, {Stem}CoreAsync), and its condition is constant true.
        if (context.Node.FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } methodSyntax
            || CriticalSectionNames.DeclarationName(methodSyntax.Identifier.ValueText) is null)
        {
            return;
        }

        (ExpressionSyntax? condition, SyntaxToken keyword, StatementSyntax body) = context.Node switch
        {
            WhileStatementSyntax loop => (loop.Condition, loop.WhileKeyword, loop.Statement),
            DoStatementSyntax loop => (loop.Condition, loop.DoKeyword, loop.Statement),
            ForStatementSyntax loop => (loop.Condition, loop.ForKeyword, (StatementSyntax)loop.Statement),
            _ => (null, default, null!),
        };
        if (condition is not null && context.SemanticModel.GetConstantValue(condition, context.CancellationToken) is not { HasValue: true, Value: true })
        {
            return;
        }

        if (context.SemanticModel.GetDeclaredSymbol(methodSyntax, context.CancellationToken) is not { } method
            || symbols.CriticalSectionImplementedBy(method) is not { } critical
            || HasExit(context.Node, body, context.SemanticModel, symbols, context.CancellationToken))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(Rules.UnboundedLoop, keyword.GetLocation(), critical.Name));
    }

    private static bool HasExit(SyntaxNode loop, StatementSyntax body, SemanticModel model, CriticalSymbols symbols, CancellationToken cancellationToken)
    {
        foreach (SyntaxNode node in body.DescendantNodesAndSelf(static n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            switch (node)
            {
                case ReturnStatementSyntax or ThrowStatementSyntax or ThrowExpressionSyntax or GotoStatementSyntax:
                case YieldStatementSyntax { RawKind: (int)SyntaxKind.YieldBreakStatement }:
                    return true;
                case BreakStatementSyntax brk when BreaksOut(brk, loop):
                    return true;
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ThrowIfCancellationRequested" } }
                    when !CancellationSwallowed(node, loop, model, cancellationToken):
                    return true;
                case AwaitExpressionSyntax { Expression: var awaited } when PassesToken(awaited, model, symbols, cancellationToken) && !CancellationSwallowed(node, loop, model, cancellationToken):
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a cancellation exit is caught inside the loop by a catch that takes every exception or every
    /// cancellation (<c>catch</c>, <c>catch (Exception)</c>, <c>catch (OperationCanceledException)</c> without a filter):
    /// the loop then goes round again. (A catch that rethrows or returns is an exit of its own.)
    /// </summary>
    private static bool CancellationSwallowed(SyntaxNode exit, SyntaxNode loop, SemanticModel model, CancellationToken cancellationToken)
    {
        for (SyntaxNode? child = exit, parent = exit.Parent; parent is not null && child != loop; child = parent, parent = parent.Parent)
        {
            if (parent is TryStatementSyntax attempt && attempt.Block == child && attempt.Catches.Any(c => CatchesCancellation(c, model, cancellationToken)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool CatchesCancellation(CatchClauseSyntax clause, SemanticModel model, CancellationToken cancellationToken) =>
        clause.Filter is null
        && (clause.Declaration is null
            || model.GetTypeInfo(clause.Declaration.Type, cancellationToken).Type?.ToDisplayString() is
                "System.Exception" or "System.SystemException" or "System.OperationCanceledException" or "System.Threading.Tasks.TaskCanceledException");

    /// <summary>A break leaves the nearest enclosing loop or switch; it exits this loop only if that is this loop.</summary>
    private static bool BreaksOut(BreakStatementSyntax brk, SyntaxNode loop)
    {
        foreach (SyntaxNode ancestor in brk.Ancestors())
        {
            if (ancestor is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or ForEachStatementSyntax or SwitchStatementSyntax)
            {
                return ancestor == loop;
            }
        }

        return false;
    }

    private static bool PassesToken(ExpressionSyntax awaited, SemanticModel model, CriticalSymbols symbols, CancellationToken cancellationToken)
    {
        foreach (InvocationExpressionSyntax invocation in awaited.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>())
        {
            foreach (ArgumentSyntax argument in invocation.ArgumentList.Arguments)
            {
                if (CriticalSymbols.Is(model.GetTypeInfo(argument.Expression, cancellationToken).Type, symbols.CancellationToken))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
