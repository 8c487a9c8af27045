using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace TaskProtection.Analyzers;

/// <summary>
/// TP0001: the task of a critical async call is dropped (statement, discard, a local nobody awaits, Task.Run,
/// ContinueWith, or an async void lambda). Assigning it to a field or property counts as kept: another member may await
/// it, and following that would need a whole-program view the IDE cannot afford.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NotAwaitedAnalyzer : DiagnosticAnalyzer
{
    private const int MaxDepth = 8;

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rules.NotAwaited);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        CriticalSymbols.RegisterWhereReferenced(
            context,
            static (start, symbols) => start.RegisterOperationAction(c => Analyze(c, symbols), OperationKind.Invocation));
    }

    private static void Analyze(OperationAnalysisContext context, CriticalSymbols symbols)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol target = invocation.TargetMethod;
        if (!symbols.IsTaskLike(target.ReturnType) || !symbols.IsCritical(target))
        {
            return;
        }

        if (Fate(invocation, symbols, depth: 0) is { } dropped)
        {
            context.ReportDiagnostic(Diagnostic.Create(Rules.NotAwaited, invocation.Syntax.GetLocation(), target.Name, dropped));
        }
    }

    /// <summary>What becomes of a task-valued operation: null when it is awaited or handed on, else how it is dropped.</summary>
    private static string? Fate(IOperation value, CriticalSymbols symbols, int depth)
    {
        if (depth > MaxDepth)
        {
            return null;
        }

        IOperation current = value;
        string? through = null;
        while (true)
        {
            IOperation? parent = current.Parent;
            switch (parent)
            {
                case IConversionOperation or IParenthesizedOperation or ICoalesceOperation:
                case IArrayInitializerOperation:
                case IArrayCreationOperation { IsImplicit: true }:
                case ICollectionExpressionOperation { IsImplicit: true }:
                    current = parent; // including a params argument: Task.WhenAll(a, b)
                    continue;
                case IConditionalOperation conditional when conditional.WhenTrue == current || conditional.WhenFalse == current:
                    current = parent;
                    continue;
                case IInvocationOperation call when call.Instance == current:
                    if (call.TargetMethod.Name == "ContinueWith")
                    {
                        through = "continued with ContinueWith and not awaited";
                    }

                    if (call.TargetMethod.Name == "ConfigureAwait" || symbols.IsTaskLike(call.TargetMethod.ReturnType))
                    {
                        current = call; // WaitAsync, AsTask, ContinueWith…: what matters is the task it returns
                        continue;
                    }

                    return null; // Wait(), GetAwaiter().GetResult(), …: consumed (TP0004 speaks to blocking)
                case IPropertyReferenceOperation property when property.Instance == current:
                    return null; // its outcome is read (Result, IsCompleted, Exception…)
                case IArgumentOperation { Parent: IInvocationOperation { TargetMethod.IsExtensionMethod: true } extension } argument
                    when extension.Arguments.Length > 0 && extension.Arguments[0] == argument && symbols.IsTaskLike(extension.TargetMethod.ReturnType):
                    current = extension; // an extension that wraps the task, such as WithTimeout(…)
                    continue;
            }

            break;
        }

        switch (current.Parent)
        {
            case IAwaitOperation await:
                return FateOfEnclosingFunction(await, symbols, depth);
            case IReturnOperation ret:
                return FateOfEnclosingFunction(ret, symbols, depth);
            case IExpressionStatementOperation:
                return through ?? "discarded";
            case ISimpleAssignmentOperation assignment when assignment.Value == current:
                return assignment.Target switch
                {
                    IDiscardOperation => through ?? "discarded with '_ ='",
                    ILocalReferenceOperation local => FateOfLocal(local.Local, assignment, symbols, depth),
                    _ => null, // a field, property or element: kept, see the class remarks
                };
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                return FateOfLocal(declarator.Symbol, declarator, symbols, depth);
            case IArgumentOperation { Parent: IInvocationOperation outer }:
                return IsTaskCombinatorOrStarter(outer.TargetMethod, symbols) ? Fate(outer, symbols, depth + 1) : null;
            default:
                return null;
        }
    }

    /// <summary>An await or return inside a lambda or local function is only as good as what becomes of that function.</summary>
    private static string? FateOfEnclosingFunction(IOperation operation, CriticalSymbols symbols, int depth)
    {
        for (IOperation? current = operation.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case IAnonymousFunctionOperation lambda:
                    if (lambda.Symbol.IsAsync && lambda.Symbol.ReturnsVoid)
                    {
                        return "awaited only inside an async void lambda, which nobody can await";
                    }

                    IOperation? use = lambda.Parent is IDelegateCreationOperation creation ? creation.Parent : lambda.Parent;
                    return use is IArgumentOperation { Parent: IInvocationOperation starter } && IsStarter(starter.TargetMethod, symbols)
                        ? Fate(starter, symbols, depth + 1) is { } dropped ? "started with " + starter.TargetMethod.Name + " and " + dropped : null
                        : null;
                case ILocalFunctionOperation localFunction:
                    return localFunction.Symbol.IsAsync && localFunction.Symbol.ReturnsVoid
                        ? "awaited only inside an async void local function, which nobody can await"
                        : null;
            }
        }

        return null;
    }

    private static string? FateOfLocal(ILocalSymbol local, IOperation definition, CriticalSymbols symbols, int depth)
    {
        IOperation root = definition;
        while (root.Parent is not null && root is not IAnonymousFunctionOperation and not ILocalFunctionOperation)
        {
            root = root.Parent;
        }

        foreach (IOperation operation in root.Descendants())
        {
            if (operation is ILocalReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Local, local)
                && !(reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference)
                && Fate(reference, symbols, depth + 1) is null)
            {
                return null;
            }
        }

        return $"stored in '{local.Name}' and never awaited, returned or passed on";
    }

    private static bool IsTaskCombinatorOrStarter(IMethodSymbol method, CriticalSymbols symbols) =>
        (method.Name is "WhenAll" or "WhenAny" && CriticalSymbols.Is(method.ContainingType, symbols.Task)) || IsStarter(method, symbols);

    private static bool IsStarter(IMethodSymbol method, CriticalSymbols symbols) =>
        (method.Name == "Run" && CriticalSymbols.Is(method.ContainingType, symbols.Task))
        || (method.Name == "StartNew" && CriticalSymbols.Is(method.ContainingType, symbols.TaskFactory));
}
