/// <summary>
/// The wrapper shapes docs/performance.md compares with what the generator writes. Two of them could not ship: one
/// starts the work before protection is confirmed, one allocates a delegate on every call. They show how low the cost
/// of any wrapper could go. A shape that calls runner methods the runtime does not have brings stand-ins with their
/// signatures: the compiler's cost is in the call, not in what the runner does.
/// </summary>
internal static class WrapperShapes
{
    private const string Attribute = "        [global::System.CodeDom.Compiler.GeneratedCode(\"TaskProtection.Generators\", \"0.1.0.0\")]\n";
    private const string Task = "global::System.Threading.Tasks.Task<int>";
    private const string Token = "global::System.Threading.CancellationToken";
    private const string Registry = "global::TaskProtection.CriticalSessionRegistry.Default";
    private const string Runner = "global::TaskProtection.CriticalSectionRunner";

    public static IReadOnlyList<WrapperShape> All { get; } =
    [
        new("calls the implementation directly (no protection; a generated file's own cost)", static site =>
            Signature(site) + $"            => Job{site.Number}CoreAsync(n, ct);\n"),
        new("hands the runner the implementation's task (would start the work before protection)", static site =>
            Signature(site) + $"            => global::Consumer.ProbeRunner.Track({Registry}, \"{site.Type}.Job{site.Number}Async\", Job{site.Number}CoreAsync(n, ct));\n",
            """
                internal static class ProbeRunner
                {
                    public static global::System.Threading.Tasks.Task<TResult> Track<TResult>(global::TaskProtection.CriticalSessionRegistry registry, string name, global::System.Threading.Tasks.Task<TResult> work) => work;
                }

            """),
        new("a delegate of the implementation on this instance (allocates one per call)", static site =>
            Signature(site) + $"            => {Runner}.RunTaskOfT<int, {Token}, int>({Registry}, \"{site.Type}.Job{site.Number}Async\", n, ct, Job{site.Number}CoreAsync, ct);\n"),
        new("a static lambda", static site =>
            Signature(site) + $"            => {Runner}.RunTaskOfT<global::Consumer.{site.Type}, int, {Token}, int>({Registry}, \"{site.Type}.Job{site.Number}Async\", this, n, ct, static (self, n, ct) => self.Job{site.Number}CoreAsync(n, ct), ct);\n"),
        new("enters inline and makes a delegate only while it waits for protection", static site =>
            Signature(site)
            + $"            => global::Consumer.ProbeRunner.TryEnter({Registry}, \"{site.Type}.Job{site.Number}Async\", ct, out global::Consumer.ProbeEntry entry)\n"
            + $"                ? global::Consumer.ProbeRunner.Track<int>(in entry, Job{site.Number}CoreAsync(n, ct))\n"
            + $"                : global::Consumer.ProbeRunner.Later<int, {Token}, int>(in entry, n, ct, Job{site.Number}CoreAsync);\n",
            """
                internal readonly struct ProbeEntry
                {
                }

                internal static class ProbeRunner
                {
                    public static bool TryEnter(global::TaskProtection.CriticalSessionRegistry registry, string name, global::System.Threading.CancellationToken cancellationToken, out ProbeEntry entry)
                    {
                        entry = default;
                        return true;
                    }

                    public static global::System.Threading.Tasks.Task<TResult> Track<TResult>(in ProbeEntry entry, global::System.Threading.Tasks.Task<TResult> work) => work;

                    public static global::System.Threading.Tasks.Task<TResult> Later<T1, T2, TResult>(in ProbeEntry entry, T1 arg1, T2 arg2, global::System.Func<T1, T2, global::System.Threading.Tasks.Task<TResult>> body) => body(arg1, arg2);
                }

            """),
    ];

    private static string Signature(WrapperSite site) => Attribute + $"        public partial {Task} Job{site.Number}Async(int n, {Token} ct)\n";
}
