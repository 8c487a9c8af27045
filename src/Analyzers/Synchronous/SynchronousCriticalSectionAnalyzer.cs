using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
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
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (CriticalSymbols.Create(start.Compilation) is { } symbols)
            {
                start.RegisterSymbolAction(c => Analyze(c, symbols), SymbolKind.Method);
            }
        });
    }

    private static void Analyze(SymbolAnalysisContext context, CriticalSymbols symbols)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (method.PartialImplementationPart is null && !method.IsPartialDefinition)
        {
            return; // not a partial declaration: the generator reports TP0101 instead
        }

        if (!symbols.IsCritical(method) || symbols.IsTaskLike(method.ReturnType) || IsAsyncEnumerable(method.ReturnType))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(Rules.Synchronous, method.Locations[0], method.Name));
    }

    private static bool IsAsyncEnumerable(ITypeSymbol type) =>
        type is INamedTypeSymbol { MetadataName: "IAsyncEnumerable`1" } named
        && named.ContainingNamespace.ToDisplayString() == "System.Collections.Generic";
}
