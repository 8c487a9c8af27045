using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace TaskProtection.Analyzers;

/// <summary>
/// TP0004: <c>.Result</c>, <c>.Wait()</c>, <c>Task.WaitAll/WaitAny</c>, <c>GetAwaiter().GetResult()</c>,
/// <c>Thread.Sleep</c>, <c>SemaphoreSlim.Wait</c>, <c>WaitHandle.WaitOne/WaitAll/WaitAny</c> or <c>SpinWait.SpinUntil</c> in the implementation of an awaitable critical section (its lambdas and local functions included).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingCallAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rules.Blocking);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        CriticalSymbols.RegisterWhereReferenced(
            context,
            static (start, symbols) => start.RegisterOperationAction(c => Analyze(c, symbols), OperationKind.Invocation, OperationKind.PropertyReference));
    }

    private static void Analyze(OperationAnalysisContext context, CriticalSymbols symbols)
    {
        string? blocking = context.Operation switch
        {
            IPropertyReferenceOperation { Property.Name: "Result" } property when symbols.IsTaskLike(property.Property.ContainingType) => ".Result",
            IInvocationOperation invocation when !IsZeroTimeout(invocation) => BlockingCall(invocation.TargetMethod, symbols),
            _ => null,
        };
        if (blocking is null
            || context.ContainingSymbol is not IMethodSymbol method
            || !(method.IsAsync || symbols.IsTaskLike(method.ReturnType))
            || symbols.CriticalSectionImplementedBy(method) is not { } critical)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(Rules.Blocking, context.Operation.Syntax.GetLocation(), blocking, critical.Name));
    }

    /// <summary>A wait with a timeout of zero (<c>gate.Wait(0)</c>) only tries: it never blocks.</summary>
    private static bool IsZeroTimeout(IInvocationOperation invocation) =>
        invocation.Arguments.Length > 0 && invocation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: 0 };

    private static string? BlockingCall(IMethodSymbol method, CriticalSymbols symbols) => method.Name switch
    {
        "Sleep" when CriticalSymbols.Is(method.ContainingType, symbols.Thread) => "Thread.Sleep",
        "Wait" when symbols.IsTaskLike(method.ContainingType) => ".Wait()",
        "WaitAll" or "WaitAny" when CriticalSymbols.Is(method.ContainingType, symbols.Task) => "Task." + method.Name,
        "GetResult" when symbols.IsTaskAwaiter(method.ContainingType) => "GetAwaiter().GetResult()",
        "Wait" when CriticalSymbols.Is(method.ContainingType, symbols.SemaphoreSlim) => "SemaphoreSlim.Wait() (WaitAsync does not block)",
        "WaitOne" or "WaitAll" or "WaitAny" when CriticalSymbols.Is(method.ContainingType, symbols.WaitHandle) => "WaitHandle." + method.Name,
        "SpinUntil" when CriticalSymbols.Is(method.ContainingType, symbols.SpinWait) => "SpinWait.SpinUntil",
        _ => null,
    };
}
