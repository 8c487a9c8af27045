using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace TaskProtection.Analyzers;

/// <summary>
/// TP0001: the task of a critical async call is dropped (statement, discard, a local nobody awaits, Task.Run,
/// ContinueWith, StartNew of an async lambda, or an async void lambda, local function or method such as an event handler). Assigning it to a field or property counts as kept: another member may await
/// it, and following that would need a whole-program view the IDE cannot afford.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NotAwaitedAnalyzer : DiagnosticAnalyzer
{
    private const int MaxDepth = 8;

    /// <summary>How TP0001 words the async void method case; the Return Task fix looks for it.</summary>
    internal const string AsyncVoidMethod = "awaited only inside an async void method, which nobody can await or wait for at shutdown";

    /// <summary>The diagnostic property that marks the async void method case for <see cref="ReturnTaskFromAsyncVoidCodeFix"/>.</summary>
    internal const string AsyncVoidProperty = "AsyncVoidMethod";

    private static readonly ImmutableDictionary<string, string?> AsyncVoidProperties = ImmutableDictionary<string, string?>.Empty.Add(AsyncVoidProperty, "true");

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
            ImmutableDictionary<string, string?> properties = dropped == AsyncVoidMethod ? AsyncVoidProperties : ImmutableDictionary<string, string?>.Empty;
            context.ReportDiagnostic(Diagnostic.Create(Rules.NotAwaited, invocation.Syntax.GetLocation(), properties, target.Name, dropped));
        }
    }

    /// <summary>What becomes of a task-valued operation: null when it is awaited or handed on, else how it is dropped.</summary>
    private static string? Fate(IOperation value, CriticalSymbols symbols, int depth) =>
        depth <= MaxDepth && Climb(value, symbols, out string? through) is { } task ? FateOf(task, through, symbols, depth) : null;

    /// <summary>
    /// Climbs from the task through whatever hands the same task on (conversions, conditionals, ConfigureAwait,
    /// WaitAsync, wrapping extensions, a params array); null when it is consumed on the way (waited, its result read).
    /// </summary>
    private static IOperation? Climb(IOperation value, CriticalSymbols symbols, out string? through)
    {
        IOperation current = value;
        through = null;
        while (true)
        {
            switch (current.Parent)
            {
                case IConversionOperation or IParenthesizedOperation or ICoalesceOperation:
                case IArrayInitializerOperation:
                case IArrayCreationOperation { IsImplicit: true }:
                case ICollectionExpressionOperation { IsImplicit: true }:
                    current = current.Parent; // including a params argument: Task.WhenAll(a, b)
                    continue;
                case IConditionalOperation conditional when conditional.WhenTrue == current || conditional.WhenFalse == current:
                    current = conditional;
                    continue;
                case IInvocationOperation call when call.Instance == current:
                    if (call.TargetMethod.Name == "ContinueWith")
                    {
                        through = "continued with ContinueWith and not awaited";
                    }

                    if (call.TargetMethod.Name != "ConfigureAwait" && !symbols.IsTaskLike(call.TargetMethod.ReturnType))
                    {
                        return null; // Wait(), GetAwaiter().GetResult(), …: consumed (TP0004 speaks to blocking)
                    }

                    current = call; // WaitAsync, AsTask, ContinueWith…: what matters is the task it returns
                    continue;
                case IPropertyReferenceOperation property when property.Instance == current:
                    return null; // its outcome is read (Result, IsCompleted, Exception…)
                case IArgumentOperation { Parent: IInvocationOperation { TargetMethod.IsExtensionMethod: true } extension } argument
                    when extension.Arguments.Length > 0 && extension.Arguments[0] == argument && symbols.IsTaskLike(extension.TargetMethod.ReturnType):
                    current = extension; // an extension that wraps the task, such as WithTimeout(…)
                    continue;
                default:
                    return current;
            }
        }
    }

    /// <summary>What becomes of the task where the climb ended.</summary>
    private static string? FateOf(IOperation task, string? through, CriticalSymbols symbols, int depth) => task.Parent switch
    {
        IAwaitOperation awaited => FateOfEnclosingFunction(awaited, symbols, depth),
        IReturnOperation returned => FateOfEnclosingFunction(returned, symbols, depth),
        IExpressionStatementOperation => through ?? "discarded",
        ISimpleAssignmentOperation assignment when assignment.Value == task => assignment.Target switch
        {
            IDiscardOperation => through ?? "discarded with '_ ='",
            ILocalReferenceOperation local => FateOfLocal(local.Local, assignment, symbols, depth),
            _ => null, // a field, property or element: kept, see the class remarks
        },
        IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => FateOfLocal(declarator.Symbol, declarator, symbols, depth),
        IArgumentOperation { Parent: IInvocationOperation outer } => IsTaskCombinatorOrStarter(outer.TargetMethod, symbols) ? Fate(outer, symbols, depth + 1) : null,
        _ => null,
    };

    /// <summary>
    /// An await or return inside a lambda, local function or method is only as good as what becomes of that function:
    /// nothing can await an <c>async void</c> one, and a lambda is only as good as what becomes of the task it starts.
    /// </summary>
    private static string? FateOfEnclosingFunction(IOperation operation, CriticalSymbols symbols, int depth)
    {
        for (IOperation? current = operation.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case IAnonymousFunctionOperation lambda:
                    return lambda.Symbol.IsAsync && lambda.Symbol.ReturnsVoid
                        ? "awaited only inside an async void lambda, which nobody can await"
                        : FateOfStartedLambda(lambda, symbols, depth);
                case ILocalFunctionOperation localFunction:
                    return localFunction.Symbol.IsAsync && localFunction.Symbol.ReturnsVoid
                        ? "awaited only inside an async void local function, which nobody can await"
                        : null;
            }
        }

        return operation.SemanticModel?.GetEnclosingSymbol(operation.Syntax.SpanStart) is IMethodSymbol { IsAsync: true, ReturnsVoid: true }
            ? AsyncVoidMethod
            : null;
    }

    /// <summary>A lambda handed to Task.Run or StartNew: dropped when the started task is; StartNew of an async lambda only covers its start.</summary>
    private static string? FateOfStartedLambda(IAnonymousFunctionOperation lambda, CriticalSymbols symbols, int depth)
    {
        IOperation? use = lambda.Parent is IDelegateCreationOperation creation ? creation.Parent : lambda.Parent;
        if (use is not IArgumentOperation { Parent: IInvocationOperation starter } || !IsStarter(starter.TargetMethod, symbols))
        {
            return null;
        }

        if (starter.TargetMethod.Name == "StartNew" && symbols.IsTaskLike(lambda.Symbol.ReturnType) && !IsUnwrapped(starter))
        {
            return "started with StartNew, whose task ends when the lambda returns its task, not when the work ends (use Task.Run, or Unwrap() and await)";
        }

        return Fate(starter, symbols, depth + 1) is { } dropped ? "started with " + starter.TargetMethod.Name + " and " + dropped : null;
    }

    private static bool IsUnwrapped(IInvocationOperation starter) =>
        starter.Parent is IInvocationOperation { TargetMethod.Name: "Unwrap" } or IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "Unwrap" } };

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
