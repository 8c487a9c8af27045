// Written from one template by tests/TaskProtection.Tests/Sessions/RunnerOverloads.cs: edit the template, not this file.
namespace TaskProtection;

// Two to six arguments and the helper that calls the implementation with them, as the one state the runners take: a
// struct, so that the fast path still allocates nothing.
internal readonly struct RunnerArguments<T1, T2, TTask>(T1 arg1, T2 arg2, Func<T1, T2, TTask> body)
{
    public TTask Invoke() => body(arg1, arg2);
}

internal readonly struct RunnerArguments<T1, T2, T3, TTask>(T1 arg1, T2 arg2, T3 arg3, Func<T1, T2, T3, TTask> body)
{
    public TTask Invoke() => body(arg1, arg2, arg3);
}

internal readonly struct RunnerArguments<T1, T2, T3, T4, TTask>(T1 arg1, T2 arg2, T3 arg3, T4 arg4, Func<T1, T2, T3, T4, TTask> body)
{
    public TTask Invoke() => body(arg1, arg2, arg3, arg4);
}

internal readonly struct RunnerArguments<T1, T2, T3, T4, T5, TTask>(T1 arg1, T2 arg2, T3 arg3, T4 arg4, T5 arg5, Func<T1, T2, T3, T4, T5, TTask> body)
{
    public TTask Invoke() => body(arg1, arg2, arg3, arg4, arg5);
}

internal readonly struct RunnerArguments<T1, T2, T3, T4, T5, T6, TTask>(T1 arg1, T2 arg2, T3 arg3, T4 arg4, T5 arg5, T6 arg6, Func<T1, T2, T3, T4, T5, T6, TTask> body)
{
    public TTask Invoke() => body(arg1, arg2, arg3, arg4, arg5, arg6);
}
