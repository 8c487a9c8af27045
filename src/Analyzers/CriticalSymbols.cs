using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace TaskProtection.Analyzers;

/// <summary>
/// The symbols every rule needs, resolved once per compilation; null when the compilation does not reference
/// TaskProtection, so that the analyzers cost nothing there.
/// </summary>
internal sealed class CriticalSymbols
{
    private CriticalSymbols(Compilation compilation, INamedTypeSymbol attribute)
    {
        Attribute = attribute;
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        Thread = compilation.GetTypeByMetadataName("System.Threading.Thread");
        TaskAwaiter = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.TaskAwaiter");
        TaskAwaiterOfT = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.TaskAwaiter`1");
        ValueTaskAwaiter = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.ValueTaskAwaiter");
        ValueTaskAwaiterOfT = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.ValueTaskAwaiter`1");
        TaskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory");
        SemaphoreSlim = compilation.GetTypeByMetadataName("System.Threading.SemaphoreSlim");
        WaitHandle = compilation.GetTypeByMetadataName("System.Threading.WaitHandle");
        SpinWait = compilation.GetTypeByMetadataName("System.Threading.SpinWait");
        SessionRegistry = compilation.GetTypeByMetadataName("TaskProtection.CriticalSessionRegistry");
        Session = compilation.GetTypeByMetadataName("TaskProtection.CriticalSession");
    }

    public INamedTypeSymbol Attribute { get; }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? ValueTaskOfT { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? Thread { get; }

    public INamedTypeSymbol? TaskAwaiter { get; }

    public INamedTypeSymbol? TaskAwaiterOfT { get; }

    public INamedTypeSymbol? ValueTaskAwaiter { get; }

    public INamedTypeSymbol? ValueTaskAwaiterOfT { get; }

    public INamedTypeSymbol? TaskFactory { get; }

    public INamedTypeSymbol? SemaphoreSlim { get; }

    public INamedTypeSymbol? WaitHandle { get; }

    public INamedTypeSymbol? SpinWait { get; }

    public INamedTypeSymbol? SessionRegistry { get; }

    public INamedTypeSymbol? Session { get; }

    /// <summary>
    /// Registers a rule's per-compilation actions only where the compilation references TaskProtection, with the symbols
    /// resolved once for it. (Each analyzer still configures generated code and concurrency itself: RS1025/RS1026.)
    /// </summary>
    public static void RegisterWhereReferenced(AnalysisContext context, Action<CompilationStartAnalysisContext, CriticalSymbols> register)
    {
        context.RegisterCompilationStartAction(start =>
        {
            if (Create(start.Compilation) is { } symbols)
            {
                register(start, symbols);
            }
        });
    }

    public static CriticalSymbols? Create(Compilation compilation) =>
        compilation.GetTypeByMetadataName(CriticalSectionNames.AttributeMetadataName) is { } attribute
            ? new CriticalSymbols(compilation, attribute)
            : null;

    /// <summary>Whether the method (either part of a partial method) carries [CriticalSection].</summary>
    public bool IsCritical(IMethodSymbol method)
    {
        IMethodSymbol definition = method.PartialDefinitionPart ?? method;
        foreach (AttributeData attribute in definition.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, Attribute))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The critical section a method implements (by the naming rule), or null: cheap for any other method.</summary>
    public IMethodSymbol? CriticalSectionImplementedBy(IMethodSymbol method)
    {
        if (method.MethodKind != MethodKind.Ordinary || CriticalSectionNames.DeclarationName(method.Name) is not { } declarationName)
        {
            return null;
        }

        foreach (ISymbol member in method.ContainingType.GetMembers(declarationName))
        {
            if (member is IMethodSymbol candidate && IsCritical(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public bool IsTaskLike(ITypeSymbol? type) =>
        type is INamedTypeSymbol named
        && (Is(named, Task) || Is(named, ValueTask) || Is(named.OriginalDefinition, TaskOfT) || Is(named.OriginalDefinition, ValueTaskOfT));

    public bool IsTaskAwaiter(ITypeSymbol? type) =>
        type is INamedTypeSymbol named
        && (Is(named, TaskAwaiter) || Is(named, ValueTaskAwaiter) || Is(named.OriginalDefinition, TaskAwaiterOfT) || Is(named.OriginalDefinition, ValueTaskAwaiterOfT));

    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? expected) =>
        expected is not null && SymbolEqualityComparer.Default.Equals(type, expected);
}
