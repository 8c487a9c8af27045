using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TaskProtection.Analyzers;

/// <summary>
/// TP0005 (Info): a critical section that is not awaitable calls <c>Enter</c>, which registers the session without
/// waiting for ECS to confirm protection; an awaitable signature lets the wrapper wait.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SynchronousCriticalSectionAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rules.Synchronous);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        // The generated implementing part carries [GeneratedCode], which the attribute merge puts on the user's method
        // too, so the analyzer driver counts the declaration as generated: opt in, and look only at bodiless declarations.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        CriticalSymbols.RegisterWhereReferenced(
            context,
            static (start, symbols) => start.RegisterSyntaxNodeAction(c => Analyze(c, symbols), SyntaxKind.MethodDeclaration));
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, CriticalSymbols symbols)
    {
        // Only a partial declaration without a body and with attributes can be a valid critical section (else: TP0101).
        var syntax = (MethodDeclarationSyntax)context.Node;
        if (syntax.AttributeLists.Count == 0
            || syntax.Body is not null
            || syntax.ExpressionBody is not null
            || !syntax.Modifiers.Any(SyntaxKind.PartialKeyword)
            || context.SemanticModel.GetDeclaredSymbol(syntax, context.CancellationToken) is not { } method
            || !symbols.IsCritical(method)
            || symbols.IsTaskLike(method.ReturnType)
            || IsAsyncEnumerable(method.ReturnType))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(Rules.Synchronous, syntax.Identifier.GetLocation(), method.Name));
    }

    private static bool IsAsyncEnumerable(ITypeSymbol type) =>
        type is INamedTypeSymbol { MetadataName: "IAsyncEnumerable`1" } named
        && named.ContainingNamespace.ToDisplayString() == "System.Collections.Generic";
}
