// Written from one template by tests/TaskProtection.Tests/Sessions/RunnerOverloads.cs: edit the template, not this file.
namespace TaskProtection;

/// <summary>
/// The <see cref="Task"/> shapes for two to six arguments, passed one by one: a build compiles these calls faster than
/// calls that pass a value tuple of the arguments.
/// </summary>
public static partial class CriticalSectionRunner
{
    /// <summary>Runs a <see cref="Task"/>-returning implementation of two arguments in a session.</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <param name="registry">The registry to enter.</param>
    /// <param name="name">The session's name.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="body">Calls the implementation with the arguments.</param>
    /// <param name="cancellationToken">Cancels the wait for protection.</param>
    /// <returns>The implementation's task; the session ends when it does.</returns>
    public static Task RunTask<T1, T2>(
        CriticalSessionRegistry registry, string name, T1 arg1, T2 arg2,
        Func<T1, T2, Task> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunTask<RunnerArguments<T1, T2, Task>>(
            registry, name, new(arg1, arg2, body), static arguments => arguments.Invoke(), cancellationToken);
    }

    /// <summary>Runs a <see cref="Task"/>-returning implementation of three arguments in a session.</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <typeparam name="T3">The third argument's type.</typeparam>
    /// <param name="registry">The registry to enter.</param>
    /// <param name="name">The session's name.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="body">Calls the implementation with the arguments.</param>
    /// <param name="cancellationToken">Cancels the wait for protection.</param>
    /// <returns>The implementation's task; the session ends when it does.</returns>
    public static Task RunTask<T1, T2, T3>(
        CriticalSessionRegistry registry, string name, T1 arg1, T2 arg2, T3 arg3,
        Func<T1, T2, T3, Task> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunTask<RunnerArguments<T1, T2, T3, Task>>(
            registry, name, new(arg1, arg2, arg3, body), static arguments => arguments.Invoke(), cancellationToken);
    }

    /// <summary>Runs a <see cref="Task"/>-returning implementation of four arguments in a session.</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <typeparam name="T3">The third argument's type.</typeparam>
    /// <typeparam name="T4">The fourth argument's type.</typeparam>
    /// <param name="registry">The registry to enter.</param>
    /// <param name="name">The session's name.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <param name="body">Calls the implementation with the arguments.</param>
    /// <param name="cancellationToken">Cancels the wait for protection.</param>
    /// <returns>The implementation's task; the session ends when it does.</returns>
    public static Task RunTask<T1, T2, T3, T4>(
        CriticalSessionRegistry registry, string name, T1 arg1, T2 arg2, T3 arg3, T4 arg4,
        Func<T1, T2, T3, T4, Task> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunTask<RunnerArguments<T1, T2, T3, T4, Task>>(
            registry, name, new(arg1, arg2, arg3, arg4, body), static arguments => arguments.Invoke(), cancellationToken);
    }

    /// <summary>Runs a <see cref="Task"/>-returning implementation of five arguments in a session.</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <typeparam name="T3">The third argument's type.</typeparam>
    /// <typeparam name="T4">The fourth argument's type.</typeparam>
    /// <typeparam name="T5">The fifth argument's type.</typeparam>
    /// <param name="registry">The registry to enter.</param>
    /// <param name="name">The session's name.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <param name="arg5">The fifth argument.</param>
    /// <param name="body">Calls the implementation with the arguments.</param>
    /// <param name="cancellationToken">Cancels the wait for protection.</param>
    /// <returns>The implementation's task; the session ends when it does.</returns>
    public static Task RunTask<T1, T2, T3, T4, T5>(
        CriticalSessionRegistry registry, string name, T1 arg1, T2 arg2, T3 arg3, T4 arg4, T5 arg5,
        Func<T1, T2, T3, T4, T5, Task> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunTask<RunnerArguments<T1, T2, T3, T4, T5, Task>>(
            registry, name, new(arg1, arg2, arg3, arg4, arg5, body), static arguments => arguments.Invoke(), cancellationToken);
    }

    /// <summary>Runs a <see cref="Task"/>-returning implementation of six arguments in a session.</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <typeparam name="T3">The third argument's type.</typeparam>
    /// <typeparam name="T4">The fourth argument's type.</typeparam>
    /// <typeparam name="T5">The fifth argument's type.</typeparam>
    /// <typeparam name="T6">The sixth argument's type.</typeparam>
    /// <param name="registry">The registry to enter.</param>
    /// <param name="name">The session's name.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <param name="arg5">The fifth argument.</param>
    /// <param name="arg6">The sixth argument.</param>
    /// <param name="body">Calls the implementation with the arguments.</param>
    /// <param name="cancellationToken">Cancels the wait for protection.</param>
    /// <returns>The implementation's task; the session ends when it does.</returns>
    public static Task RunTask<T1, T2, T3, T4, T5, T6>(
        CriticalSessionRegistry registry, string name, T1 arg1, T2 arg2, T3 arg3, T4 arg4, T5 arg5, T6 arg6,
        Func<T1, T2, T3, T4, T5, T6, Task> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunTask<RunnerArguments<T1, T2, T3, T4, T5, T6, Task>>(
            registry, name, new(arg1, arg2, arg3, arg4, arg5, arg6, body), static arguments => arguments.Invoke(), cancellationToken);
    }

    /// <summary>Runs a <see cref="Task{TResult}"/>-returning implementation of two arguments in a session.</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <typeparam name="TResult">The implementation's result.</typeparam>
    /// <param name="registry">The registry to enter.</param>
    /// <param name="name">The session's name.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="body">Calls the implementation with the arguments.</param>
    /// <param name="cancellationToken">Cancels the wait for protection.</param>
    /// <returns>The implementation's task; the session ends when it does.</returns>
    public static Task<TResult> RunTaskOfT<T1, T2, TResult>(
        CriticalSessionRegistry registry, string name, T1 arg1, T2 arg2,
        Func<T1, T2, Task<TResult>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunTaskOfT<RunnerArguments<T1, T2, Task<TResult>>, TResult>(
            registry, name, new(arg1, arg2, body), static arguments => arguments.Invoke(), cancellationToken);
    }

    /// <summary>Runs a <see cref="Task{TResult}"/>-returning implementation of three arguments in a session.</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <typeparam name="T3">The third argument's type.</typeparam>
    /// <typeparam name="TResult">The implementation's result.</typeparam>
    /// <param name="registry">The registry to enter.</param>
    /// <param name="name">The session's name.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="body">Calls the implementation with the arguments.</param>
    /// <param name="cancellationToken">Cancels the wait for protection.</param>
    /// <returns>The implementation's task; the session ends when it does.</returns>
    public static Task<TResult> RunTaskOfT<T1, T2, T3, TResult>(
        CriticalSessionRegistry registry, string name, T1 arg1, T2 arg2, T3 arg3,
        Func<T1, T2, T3, Task<TResult>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunTaskOfT<RunnerArguments<T1, T2, T3, Task<TResult>>, TResult>(
            registry, name, new(arg1, arg2, arg3, body), static arguments => arguments.Invoke(), cancellationToken);
    }

    /// <summary>Runs a <see cref="Task{TResult}"/>-returning implementation of four arguments in a session.</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <typeparam name="T3">The third argument's type.</typeparam>
    /// <typeparam name="T4">The fourth argument's type.</typeparam>
    /// <typeparam name="TResult">The implementation's result.</typeparam>
    /// <param name="registry">The registry to enter.</param>
    /// <param name="name">The session's name.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <param name="body">Calls the implementation with the arguments.</param>
    /// <param name="cancellationToken">Cancels the wait for protection.</param>
    /// <returns>The implementation's task; the session ends when it does.</returns>
    public static Task<TResult> RunTaskOfT<T1, T2, T3, T4, TResult>(
        CriticalSessionRegistry registry, string name, T1 arg1, T2 arg2, T3 arg3, T4 arg4,
        Func<T1, T2, T3, T4, Task<TResult>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunTaskOfT<RunnerArguments<T1, T2, T3, T4, Task<TResult>>, TResult>(
            registry, name, new(arg1, arg2, arg3, arg4, body), static arguments => arguments.Invoke(), cancellationToken);
    }

    /// <summary>Runs a <see cref="Task{TResult}"/>-returning implementation of five arguments in a session.</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <typeparam name="T3">The third argument's type.</typeparam>
    /// <typeparam name="T4">The fourth argument's type.</typeparam>
    /// <typeparam name="T5">The fifth argument's type.</typeparam>
    /// <typeparam name="TResult">The implementation's result.</typeparam>
    /// <param name="registry">The registry to enter.</param>
    /// <param name="name">The session's name.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <param name="arg5">The fifth argument.</param>
    /// <param name="body">Calls the implementation with the arguments.</param>
    /// <param name="cancellationToken">Cancels the wait for protection.</param>
    /// <returns>The implementation's task; the session ends when it does.</returns>
    public static Task<TResult> RunTaskOfT<T1, T2, T3, T4, T5, TResult>(
        CriticalSessionRegistry registry, string name, T1 arg1, T2 arg2, T3 arg3, T4 arg4, T5 arg5,
        Func<T1, T2, T3, T4, T5, Task<TResult>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunTaskOfT<RunnerArguments<T1, T2, T3, T4, T5, Task<TResult>>, TResult>(
            registry, name, new(arg1, arg2, arg3, arg4, arg5, body), static arguments => arguments.Invoke(), cancellationToken);
    }

    /// <summary>Runs a <see cref="Task{TResult}"/>-returning implementation of six arguments in a session.</summary>
    /// <typeparam name="T1">The first argument's type.</typeparam>
    /// <typeparam name="T2">The second argument's type.</typeparam>
    /// <typeparam name="T3">The third argument's type.</typeparam>
    /// <typeparam name="T4">The fourth argument's type.</typeparam>
    /// <typeparam name="T5">The fifth argument's type.</typeparam>
    /// <typeparam name="T6">The sixth argument's type.</typeparam>
    /// <typeparam name="TResult">The implementation's result.</typeparam>
    /// <param name="registry">The registry to enter.</param>
    /// <param name="name">The session's name.</param>
    /// <param name="arg1">The first argument.</param>
    /// <param name="arg2">The second argument.</param>
    /// <param name="arg3">The third argument.</param>
    /// <param name="arg4">The fourth argument.</param>
    /// <param name="arg5">The fifth argument.</param>
    /// <param name="arg6">The sixth argument.</param>
    /// <param name="body">Calls the implementation with the arguments.</param>
    /// <param name="cancellationToken">Cancels the wait for protection.</param>
    /// <returns>The implementation's task; the session ends when it does.</returns>
    public static Task<TResult> RunTaskOfT<T1, T2, T3, T4, T5, T6, TResult>(
        CriticalSessionRegistry registry, string name, T1 arg1, T2 arg2, T3 arg3, T4 arg4, T5 arg5, T6 arg6,
        Func<T1, T2, T3, T4, T5, T6, Task<TResult>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return RunTaskOfT<RunnerArguments<T1, T2, T3, T4, T5, T6, Task<TResult>>, TResult>(
            registry, name, new(arg1, arg2, arg3, arg4, arg5, arg6, body), static arguments => arguments.Invoke(), cancellationToken);
    }
}
