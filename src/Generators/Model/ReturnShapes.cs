using Microsoft.CodeAnalysis;

namespace TaskProtection.Generators.Model;

/// <summary>What the parser and the implementation matcher both ask of a return shape and a return by reference.</summary>
internal static class ReturnShapes
{
    /// <summary>Whether the wrapper awaits (an awaitable, or an async enumeration), so the implementation may be async.</summary>
    public static bool Awaits(this ReturnShape shape) =>
        shape is ReturnShape.Task or ReturnShape.TaskOfT or ReturnShape.ValueTask or ReturnShape.ValueTaskOfT or ReturnShape.AsyncEnumerable;

    /// <summary><c>ref readonly </c>, <c>ref </c> or nothing, as the method returns.</summary>
    public static string RefReturnPrefix(IMethodSymbol method) =>
        method.ReturnsByRefReadonly ? "ref readonly " : method.ReturnsByRef ? "ref " : "";
}
