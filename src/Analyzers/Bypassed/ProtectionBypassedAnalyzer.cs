using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace TaskProtection.Analyzers;

/// <summary>
/// TP0003: a critical section's implementation method called (or taken as a delegate) from anywhere but its generated
/// wrapper. Generated code is not analyzed, so the wrapper's own call is never seen; recursion inside the
/// implementation already runs in the session and is allowed.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ProtectionBypassedAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rules.Bypassed);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        CriticalSymbols.RegisterWhereReferenced(
            context,
            static (start, symbols) => start.RegisterOperationAction(c => Analyze(c, symbols), OperationKind.Invocation, OperationKind.MethodReference));
    }

    private static void Analyze(OperationAnalysisContext context, CriticalSymbols symbols)
    {
        IMethodSymbol target = context.Operation switch
        {
            IInvocationOperation invocation => invocation.TargetMethod,
            IMethodReferenceOperation reference => reference.Method,
            _ => null!,
        };
        IMethodSymbol definition = target.OriginalDefinition;
        if (symbols.CriticalSectionImplementedBy(definition) is not { } critical
            || SymbolEqualityComparer.Default.Equals(context.ContainingSymbol, definition))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(Rules.Bypassed, context.Operation.Syntax.GetLocation(), definition.Name, critical.Name));
    }
}
