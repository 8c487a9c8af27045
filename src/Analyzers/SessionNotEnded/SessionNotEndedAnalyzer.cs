using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace TaskProtection.Analyzers;

/// <summary>
/// TP0006: the session of a <c>CriticalSessionRegistry.Enter</c> call, or of an awaited <c>EnterAsync</c>, is dropped:
/// the call is a statement of its own, discarded with <c>_ =</c>, or stored in a local that is never disposed nor handed
/// on; or the task of an <c>EnterAsync</c> call is itself discarded. Only what one function does with its local is
/// judged: a session returned, stored in a field, property, element or collection, passed to any method or constructor,
/// copied to another variable or captured by a lambda or local function has another owner that the IDE cannot follow,
/// and is not flagged. Any <c>Dispose()</c> or <c>DisposeAsync()</c> call on the local counts as ending it, even a
/// conditional one: a false warning costs more trust than a missed leak.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SessionNotEndedAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property that tells <see cref="EndSessionWithUsingCodeFix"/> which fix fits; absent when none does.</summary>
    internal const string FixProperty = "Fix";

    /// <summary>A local declaration statement that can be made a <c>using</c> declaration.</summary>
    internal const string UsingLocalFix = "UsingLocal";

    /// <summary>A statement (<c>Enter(…);</c>, <c>_ = Enter(…);</c>) whose session can be kept in a new <c>using</c> local.</summary>
    internal const string NewUsingLocalFix = "NewUsingLocal";

    /// <summary>As <see cref="NewUsingLocalFix"/>, but the statement's value is an <c>EnterAsync</c> task that must be awaited first.</summary>
    internal const string AwaitIntoNewUsingLocalFix = "AwaitIntoNewUsingLocal";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Rules.SessionNotEnded);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        CriticalSymbols.RegisterWhereReferenced(context, static (start, symbols) =>
        {
            if (symbols.SessionRegistry is not null)
            {
                start.RegisterOperationAction(c => Analyze(c, symbols), OperationKind.Invocation);
            }
        });
    }

    private static void Analyze(OperationAnalysisContext context, CriticalSymbols symbols)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!CriticalSymbols.Is(invocation.TargetMethod.ContainingType, symbols.SessionRegistry))
        {
            return;
        }

        Dropped? dropped = invocation.TargetMethod.Name switch
        {
            "Enter" => FateOfSession(invocation, symbols),
            "EnterAsync" => FateOfEntering(invocation, symbols),
            _ => null,
        };
        if (dropped is { } how)
        {
            ImmutableDictionary<string, string?> properties = how.Fix is null
                ? ImmutableDictionary<string, string?>.Empty
                : ImmutableDictionary<string, string?>.Empty.Add(FixProperty, how.Fix);
            context.ReportDiagnostic(Diagnostic.Create(Rules.SessionNotEnded, invocation.Syntax.GetLocation(), properties, how.Description));
        }
    }

    /// <summary>
    /// An <c>EnterAsync</c> call: its session is judged where the task is awaited (through <c>ConfigureAwait</c>,
    /// <c>AsTask</c> or <c>WaitAsync</c>); a task discarded unawaited drops a session nobody can reach. Any other use of the
    /// task is not judged.
    /// </summary>
    private static Dropped? FateOfEntering(IInvocationOperation entering, CriticalSymbols symbols)
    {
        IOperation task = entering;
        while (true)
        {
            switch (task.Parent)
            {
                case IConversionOperation conversion:
                    task = conversion;
                    continue;
                case IInvocationOperation { TargetMethod.Name: "ConfigureAwait" or "AsTask" or "WaitAsync" } call when call.Instance == task:
                    task = call;
                    continue;
            }

            break;
        }

        return task.Parent switch
        {
            IAwaitOperation awaited => FateOfSession(awaited, symbols),
            IExpressionStatementOperation statement => new Dropped("held by an EnterAsync task that is discarded", FixOf(statement, AwaitIntoNewUsingLocalFix)),
            ISimpleAssignmentOperation { Target: IDiscardOperation } discard when discard.Value == task =>
                new Dropped("held by an EnterAsync task that is discarded with '_ ='", FixOf(discard.Parent, AwaitIntoNewUsingLocalFix)),
            _ => null,
        };
    }

    /// <summary>What becomes of a session value: null when it is disposed or handed on, else how it is dropped.</summary>
    private static Dropped? FateOfSession(IOperation session, CriticalSymbols symbols)
    {
        IOperation value = session;
        while (value.Parent is IConversionOperation conversion)
        {
            value = conversion;
        }

        switch (value.Parent)
        {
            case IExpressionStatementOperation statement:
                return new Dropped("discarded", FixOf(statement, NewUsingLocalFix));
            case ISimpleAssignmentOperation { Target: IDiscardOperation } discard when discard.Value == value:
                return new Dropped("discarded with '_ ='", FixOf(discard.Parent, NewUsingLocalFix));
            case ISimpleAssignmentOperation { Target: ILocalReferenceOperation local, Parent: IExpressionStatementOperation } assignment when assignment.Value == value:
                return FateOfLocal(local.Local, assignment, symbols, fix: null);
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } when !IsUsingResource(declarator):
                return FateOfLocal(declarator.Symbol, declarator, symbols, UsingLocalFixOf(declarator, symbols));
            default:
                return null; // using (…), returned, stored, passed on: ended or owned elsewhere
        }
    }

    /// <summary>
    /// A session kept in a local is dropped when no use of the local in its own function ends it or hands it on. Reads
    /// (the session's own properties, a comparison) and overwriting the local do neither.
    /// </summary>
    private static Dropped? FateOfLocal(ILocalSymbol local, IOperation definition, CriticalSymbols symbols, string? fix)
    {
        IOperation? function = EnclosingFunction(definition);
        IOperation root = definition;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        bool overwritten = false;
        foreach (IOperation operation in root.Descendants())
        {
            if (operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                switch (UseOf(reference, function, symbols))
                {
                    case LocalUse.EndsOrHandsOn:
                        return null;
                    case LocalUse.Overwrites:
                        overwritten = true; // a using variable cannot be assigned, so no using fix
                        break;
                }
            }
        }

        return new Dropped($"stored in '{local.Name}' and never disposed, returned or handed on", overwritten ? null : fix);
    }

    private static LocalUse UseOf(ILocalReferenceOperation reference, IOperation? function, CriticalSymbols symbols)
    {
        if (!ReferenceEquals(EnclosingFunction(reference), function))
        {
            return LocalUse.EndsOrHandsOn; // captured by a lambda or local function: who ends it is unclear
        }

        IOperation use = reference;
        while (use.Parent is IConversionOperation conversion)
        {
            use = conversion;
        }

        return use.Parent switch
        {
            ISimpleAssignmentOperation assignment when assignment.Target == use => LocalUse.Overwrites,
            IPropertyReferenceOperation property when property.Instance == use
                && CriticalSymbols.Is(property.Property.ContainingType, symbols.Session) => LocalUse.Reads, // Name, Id, IsActive
            IInvocationOperation call when call.Instance == use && IsObjectMethod(call.TargetMethod) => LocalUse.Reads,
            IBinaryOperation => LocalUse.Reads,
            _ => LocalUse.EndsOrHandsOn, // Dispose(), DisposeAsync(), using (…), returned, stored, passed, copied, Nullable's Value
        };
    }

    private static bool IsObjectMethod(IMethodSymbol method) => method.Name is "Equals" or "GetHashCode" or "ToString" or "GetType";

    private static IOperation? EnclosingFunction(IOperation operation)
    {
        for (IOperation? current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>Whether the local is declared by <c>using var</c>, <c>await using var</c> or <c>using (var …)</c>.</summary>
    private static bool IsUsingResource(IVariableDeclaratorOperation declarator)
    {
        IOperation? current = declarator.Parent;
        while (current is IVariableDeclarationOperation or IVariableDeclarationGroupOperation)
        {
            current = current.Parent;
        }

        return current is IUsingOperation or IUsingDeclarationOperation;
    }

    /// <summary>The fix for a statement the user wrote (not the implicit one of an expression-bodied lambda or member).</summary>
    private static string? FixOf(IOperation? statement, string fix) =>
        statement is IExpressionStatementOperation { IsImplicit: false, Syntax: ExpressionStatementSyntax } ? fix : null;

    /// <summary>The using fix for a <c>CriticalSession</c> local declared in a local declaration statement.</summary>
    private static string? UsingLocalFixOf(IVariableDeclaratorOperation declarator, CriticalSymbols symbols) =>
        declarator.Syntax is VariableDeclaratorSyntax { Parent.Parent: LocalDeclarationStatementSyntax }
        && CriticalSymbols.Is(declarator.Symbol.Type, symbols.Session)
            ? UsingLocalFix
            : null;

    private enum LocalUse
    {
        Reads,
        Overwrites,
        EndsOrHandsOn,
    }

    /// <summary>How a session is dropped, in the words of the message, and the fix that fits, if any.</summary>
    private readonly record struct Dropped(string Description, string? Fix);
}
