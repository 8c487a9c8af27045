namespace TaskProtection.Generators.Model;

/// <summary>How the wrapper keeps the session open: for the call, until the awaitable completes, or over an enumeration.</summary>
internal enum ReturnShape
{
    /// <summary><c>void</c>: the session spans the call.</summary>
    Void,

    /// <summary>Any value, by value or by reference: the session spans the call.</summary>
    Value,

    /// <summary><see cref="System.Threading.Tasks.Task"/>.</summary>
    Task,

    /// <summary><see cref="System.Threading.Tasks.Task{TResult}"/>.</summary>
    TaskOfT,

    /// <summary><c>System.Threading.Tasks.ValueTask</c>.</summary>
    ValueTask,

    /// <summary><c>System.Threading.Tasks.ValueTask&lt;TResult&gt;</c>.</summary>
    ValueTaskOfT,

    /// <summary><c>IAsyncEnumerable&lt;T&gt;</c>: the session spans the enumeration.</summary>
    AsyncEnumerable,

    /// <summary><see cref="System.Collections.Generic.IEnumerable{T}"/>: the session spans the enumeration.</summary>
    Enumerable,
}
