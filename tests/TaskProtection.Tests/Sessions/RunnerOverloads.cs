using System.Globalization;
using System.Text;

namespace TaskProtection.Tests.Sessions;

/// <summary>
/// The one template of CriticalSectionRunner's overloads for two to six arguments (Task, Task of T, ValueTask, ValueTask
/// of T) and of the structs that carry the arguments: the checked-in files are its output, compared by
/// <see cref="RunnerOverloadsTests"/>, and rewritten from here when it changes.
/// </summary>
internal static class RunnerOverloads
{
    public const int MinArguments = 2;
    public const int MaxArguments = 6;

    private const string Header = "// Written from one template by tests/TaskProtection.Tests/Sessions/RunnerOverloads.cs: edit the template, not this file.\n";

    private static readonly string[] Ordinals = ["first", "second", "third", "fourth", "fifth", "sixth"];
    private static readonly string[] Counts = ["", "one", "two", "three", "four", "five", "six"];

    /// <summary>The files, by path under src/Runtime/Sessions, with their text.</summary>
    public static IReadOnlyDictionary<string, string> Files() => new Dictionary<string, string>
    {
        ["CriticalSectionRunner.Arguments.cs"] = RunnerFile(
            "/// <summary>\n/// The <see cref=\"Task\"/> shapes for two to six arguments, passed one by one: a build compiles these calls faster than\n/// calls that pass a value tuple of the arguments.\n/// </summary>\n",
            Shape.Task,
            Shape.TaskOfT),
        ["CriticalSectionRunner.ValueTask.Arguments.cs"] = RunnerFile(
            "/// <summary>The <see cref=\"ValueTask\"/> shapes for two to six arguments, passed one by one.</summary>\n",
            Shape.ValueTask,
            Shape.ValueTaskOfT),
        ["RunnerArguments.cs"] = ArgumentsFile(),
    };

    private static string RunnerFile(string summary, params Shape[] shapes)
    {
        var text = new StringBuilder(Header).Append("namespace TaskProtection;\n\n").Append(summary).Append("public static partial class CriticalSectionRunner\n{\n");
        bool first = true;
        foreach (Shape shape in shapes)
        {
            for (int n = MinArguments; n <= MaxArguments; n++)
            {
                text.Append(first ? string.Empty : "\n").Append(Overload(shape, n));
                first = false;
            }
        }

        return text.Append("}\n").ToString();
    }

    private static string Overload(Shape shape, int n)
    {
        string[] types = [.. Enumerable.Range(1, n).Select(i => $"T{i}")];
        string[] args = [.. Enumerable.Range(1, n).Select(i => $"arg{i}")];
        string typeList = string.Join(", ", types);
        string result = shape.Generic ? ", TResult" : string.Empty;
        var text = new StringBuilder();
        text.Invariant($"    /// <summary>Runs a <see cref=\"{shape.Cref}\"/>-returning implementation of {Counts[n]} arguments in a session.</summary>\n");
        foreach (int i in Enumerable.Range(1, n))
        {
            text.Invariant($"    /// <typeparam name=\"T{i}\">The {Ordinals[i - 1]} argument's type.</typeparam>\n");
        }

        if (shape.Generic)
        {
            text.Append("    /// <typeparam name=\"TResult\">The implementation's result.</typeparam>\n");
        }

        text.Append("    /// <param name=\"registry\">The registry to enter.</param>\n");
        text.Append("    /// <param name=\"name\">The session's name.</param>\n");
        foreach (int i in Enumerable.Range(1, n))
        {
            text.Invariant($"    /// <param name=\"arg{i}\">The {Ordinals[i - 1]} argument.</param>\n");
        }

        text.Append("    /// <param name=\"body\">Calls the implementation with the arguments.</param>\n");
        text.Append("    /// <param name=\"cancellationToken\">Cancels the wait for protection.</param>\n");
        text.Invariant($"    /// <returns>The implementation's {shape.Noun}; the session ends when it does.</returns>\n");
        text.Invariant($"    public static {shape.Returns} {shape.Method}<{typeList}{result}>(\n");
        text.Invariant($"        CriticalSessionRegistry registry, string name, {string.Join(", ", types.Zip(args, (t, a) => $"{t} {a}"))},\n");
        text.Invariant($"        Func<{typeList}, {shape.Returns}> body, CancellationToken cancellationToken)\n");
        text.Append("    {\n");
        text.Append("        ArgumentNullException.ThrowIfNull(body);\n");
        text.Invariant($"        return {shape.Method}<RunnerArguments<{typeList}, {shape.Returns}>{result}>(\n");
        text.Invariant($"            registry, name, new({string.Join(", ", args)}, body), static arguments => arguments.Invoke(), cancellationToken);\n");
        text.Append("    }\n");
        return text.ToString();
    }

    private static string ArgumentsFile()
    {
        var text = new StringBuilder(Header).Append("namespace TaskProtection;\n\n");
        text.Append("// Two to six arguments and the helper that calls the implementation with them, as the one state the runners take: a\n");
        text.Append("// struct, so that the fast path still allocates nothing.\n");
        for (int n = MinArguments; n <= MaxArguments; n++)
        {
            string[] types = [.. Enumerable.Range(1, n).Select(i => $"T{i}")];
            string[] args = [.. Enumerable.Range(1, n).Select(i => $"arg{i}")];
            string typeList = string.Join(", ", types);
            text.Append(n == MinArguments ? string.Empty : "\n");
            text.Invariant($"internal readonly struct RunnerArguments<{typeList}, TTask>({string.Join(", ", types.Zip(args, (t, a) => $"{t} {a}"))}, Func<{typeList}, TTask> body)\n");
            text.Append("{\n");
            text.Invariant($"    public TTask Invoke() => body({string.Join(", ", args)});\n");
            text.Append("}\n");
        }

        return text.ToString();
    }

    private sealed record Shape(string Method, string Returns, string Cref, string Noun, bool Generic)
    {
        public static readonly Shape Task = new("RunTask", "Task", "Task", "task", false);
        public static readonly Shape TaskOfT = new("RunTaskOfT", "Task<TResult>", "Task{TResult}", "task", true);
        public static readonly Shape ValueTask = new("RunValueTask", "ValueTask", "ValueTask", "value task", false);
        public static readonly Shape ValueTaskOfT = new("RunValueTaskOfT", "ValueTask<TResult>", "ValueTask{TResult}", "value task", true);
    }

    /// <summary>Appends text with numbers written the same whatever the machine's culture.</summary>
    private static StringBuilder Invariant(this StringBuilder text, FormattableString line) => text.Append(line.ToString(CultureInfo.InvariantCulture));
}
