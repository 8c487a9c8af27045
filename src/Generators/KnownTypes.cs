using Microsoft.CodeAnalysis;
using TaskProtection.Generators.Model;

namespace TaskProtection.Generators;

/// <summary>Recognises the framework types a wrapper treats specially, by name: no per-method compilation lookups.</summary>
internal static class KnownTypes
{
    public static ReturnShape? Shape(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol named)
        {
            return null;
        }

        return (Namespace(named), named.MetadataName) switch
        {
            ("System.Threading.Tasks", "Task") => ReturnShape.Task,
            ("System.Threading.Tasks", "Task`1") => ReturnShape.TaskOfT,
            ("System.Threading.Tasks", "ValueTask") => ReturnShape.ValueTask,
            ("System.Threading.Tasks", "ValueTask`1") => ReturnShape.ValueTaskOfT,
            ("System.Collections.Generic", "IAsyncEnumerable`1") => ReturnShape.AsyncEnumerable,
            ("System.Collections.Generic", "IEnumerable`1") => ReturnShape.Enumerable,
            _ => null,
        };
    }

    /// <summary>Enumerators and the non-generic enumerable: lazy results whose work the wrapper cannot follow.</summary>
    public static bool IsEnumerator(ITypeSymbol type) =>
        type is INamedTypeSymbol named
        && (Namespace(named), named.MetadataName) is
            ("System.Collections.Generic", "IEnumerator`1")
            or ("System.Collections.Generic", "IAsyncEnumerator`1")
            or ("System.Collections", "IEnumerator")
            or ("System.Collections", "IEnumerable");

    /// <summary>Has an instance <c>GetAwaiter()</c>: awaiting it is how callers would wait for the work.</summary>
    public static bool IsAwaitable(ITypeSymbol type)
    {
        for (ITypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (current.GetMembers("GetAwaiter").Any(static m => m is IMethodSymbol { IsStatic: false, Parameters.Length: 0 }))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsCancellationToken(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "CancellationToken" } named && Namespace(named) == "System.Threading";

    private static string Namespace(INamedTypeSymbol type) => type.ContainingNamespace?.ToDisplayString() ?? "";
}
