namespace TaskProtection.Generators.Tests;

/// <summary>One consumer source per supported shape; each must generate warning-free code that matches its golden file.</summary>
public static class ShapeCases
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Runtime.CompilerServices;
        using System.Threading;
        using System.Threading.Tasks;
        using TaskProtection;

        """;

    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>
    {
        ["TaskOfT_instance_with_token"] = """
            namespace Media;
            public sealed record Job(string Name);
            public partial class Transcoder
            {
                [CriticalSection]
                public partial Task<int> TranscodeAsync(Job job, CancellationToken ct);
                private async Task<int> TranscodeCoreAsync(Job job, CancellationToken ct) { await Task.Yield(); return job.Name.Length; }
            }
            """,
        ["Task_static_named_session"] = """
            namespace Media;
            public static partial class Importer
            {
                [CriticalSection("nightly \"import\"")]
                internal static partial Task ImportAsync(string path);
                private static Task ImportCoreAsync(string path) => Task.CompletedTask;
            }
            """,
        ["ValueTask_and_ValueTaskOfT"] = """
            namespace Media;
            public partial class Cache
            {
                [CriticalSection]
                protected internal partial ValueTask FlushAsync();
                private ValueTask FlushCoreAsync() => default;

                [CriticalSection]
                public partial ValueTask<string?> FindAsync(string? key, CancellationToken cancellationToken = default);
                private ValueTask<string?> FindCoreAsync(string? key, CancellationToken cancellationToken) => new(key);
            }
            """,
        ["Synchronous_void_value_and_ref_return"] = """
            namespace Media;
            public partial class Ledger
            {
                private readonly int[] _slots = new int[4];

                [CriticalSection]
                public partial void Checkpoint(string label);
                private void CheckpointCore(string label) { }

                [CriticalSection]
                public partial (int Count, string Name) Describe();
                private (int Count, string Name) DescribeCore() => (1, "a");

                [CriticalSection]
                public partial ref readonly int Slot(int index);
                private ref readonly int SlotCore(int index) => ref _slots[index];
            }
            """,
        ["Generic_method_with_constraints"] = """
            namespace Media;
            public partial class Pipeline
            {
                [CriticalSection]
                public partial Task<T> ProcessAsync<T, TKey, TState>(T item, TKey key, TState? state, CancellationToken ct)
                    where T : class, IEquatable<T>, new()
                    where TKey : unmanaged
                    where TState : notnull;

                private Task<T> ProcessCoreAsync<T, TKey, TState>(T item, TKey key, TState? state, CancellationToken ct)
                    where T : class, IEquatable<T>, new()
                    where TKey : unmanaged
                    where TState : notnull => Task.FromResult(item);
            }
            """,
        ["Nested_generic_containing_types"] = """
            namespace Media.Storage;
            public partial class Repository<TKey> where TKey : notnull
            {
                internal partial struct Shard<TValue>
                {
                    [CriticalSection]
                    public partial Task<TValue?> LoadAsync(TKey key, CancellationToken ct);
                    private Task<TValue?> LoadCoreAsync(TKey key, CancellationToken ct) => Task.FromResult<TValue?>(default);
                }
            }
            """,
        ["Struct_and_record_containers"] = """
            namespace Media;
            public readonly partial struct Frame(int index)
            {
                [CriticalSection]
                public partial Task<int> TwiceAsync();
                private Task<int> TwiceCoreAsync() => Task.FromResult(index * 2);
            }
            public ref partial struct Cursor
            {
                [CriticalSection]
                public partial int Next();
                private int NextCore() => 0;
            }
            public partial record Invoice(decimal Amount)
            {
                [CriticalSection]
                public partial Task SettleAsync();
                private Task SettleCoreAsync() => Task.CompletedTask;
            }
            public partial record struct Point(int X, int Y)
            {
                [CriticalSection]
                public readonly partial ValueTask<int> LengthAsync();
                private readonly ValueTask<int> LengthCoreAsync() => new(X + Y);
            }
            """,
        ["Parameters_ref_out_in_params_optional"] = """
            namespace Media;
            public sealed record Job(int Frames);
            public partial class Parser
            {
                [CriticalSection]
                public partial bool TryParse(string text, out int value, ref int attempts, in Job job, scoped ReadOnlySpan<char> prefix, params int[] extra);
                private bool TryParseCore(string text, out int value, ref int attempts, in Job job, scoped ReadOnlySpan<char> prefix, params int[] extra)
                {
                    value = 0;
                    return false;
                }

                [CriticalSection]
                public partial Task<int> SumAsync(in Job job, ref readonly int seed, int factor = 2, params int[] values);
                private Task<int> SumCoreAsync(in Job job, ref readonly int seed, int factor, params int[] values) => Task.FromResult(job.Frames * factor + seed);
            }
            """,
        ["AsyncEnumerable_with_and_without_EnumeratorCancellation"] = """
            namespace Media;
            public partial class Reader
            {
                [CriticalSection]
                public partial IAsyncEnumerable<int> FramesAsync(int count, [EnumeratorCancellation] CancellationToken ct = default);
                private async IAsyncEnumerable<int> FramesCoreAsync(int count, [EnumeratorCancellation] CancellationToken ct)
                {
                    await Task.Yield();
                    yield return count;
                }

                [CriticalSection]
                public partial IAsyncEnumerable<string?> LinesAsync(CancellationToken ct);
                private async IAsyncEnumerable<string?> LinesCoreAsync([EnumeratorCancellation] CancellationToken ct)
                {
                    await Task.Yield();
                    yield return null;
                }

                [CriticalSection]
                public partial IAsyncEnumerable<int> NoTokenAsync();
                private async IAsyncEnumerable<int> NoTokenCoreAsync()
                {
                    await Task.Yield();
                    yield return 1;
                }
            }
            """,
        ["Enumerable"] = """
            namespace Media;
            public partial class Reader
            {
                [CriticalSection]
                public partial IEnumerable<int> Frames(int count);
                private IEnumerable<int> FramesCore(int count)
                {
                    yield return count;
                }
            }
            """,
        ["Extension_method_and_static_implementation"] = """
            namespace Media;
            public sealed record Job(int Frames);
            public static partial class JobExtensions
            {
                [CriticalSection]
                public static partial Task<int> ArchiveAsync(this Job job, CancellationToken ct = default);
                private static Task<int> ArchiveCoreAsync(Job job, CancellationToken ct) => Task.FromResult(job.Frames);
            }
            public partial class Worker
            {
                // An instance declaration with a static implementation (as CA1822 would ask for).
                [CriticalSection]
                public partial Task RunAsync(Job job);
                private static Task RunCoreAsync(Job job) => Task.CompletedTask;
            }
            """,
        ["Global_namespace_and_keyword_names"] = """
            public partial class @event
            {
                [CriticalSection]
                public partial Task<string> @classAsync(string @object, int @await);
                private Task<string> @classCoreAsync(string @object, int @await) => Task.FromResult(@object + @await);
            }
            """,
        ["Overloads_overrides_and_many_arguments"] = """
            namespace Media;
            public abstract class Stage
            {
                public abstract Task<T> PassAsync<T>(T item) where T : class, IEquatable<T>;
            }
            public partial class Mixer : Stage
            {
                // More arguments than ValueTuple.Create takes: the tuple nests, the runner still takes it.
                [CriticalSection]
                public partial Task<int> MixAsync(int a, int b, int c, int d, int e, int f, int g, int h, int i, CancellationToken ct);
                private Task<int> MixCoreAsync(int a, int b, int c, int d, int e, int f, int g, int h, int i, CancellationToken ct) => Task.FromResult(a + i);

                // The most arguments the runner takes one by one (this and five), and one more: the seven go as a tuple.
                [CriticalSection]
                public partial Task<string> JoinAsync(int a, int b, int c, int d, int e);
                private Task<string> JoinCoreAsync(int a, int b, int c, int d, int e) => Task.FromResult($"{a}{b}{c}{d}{e}");

                [CriticalSection]
                public static partial ValueTask<string> JoinAllAsync(int a, int b, int c, int d, int e, int f, int g);
                private static ValueTask<string> JoinAllCoreAsync(int a, int b, int c, int d, int e, int f, int g) => new($"{a}{g}");

                // Two overloads with the same argument types: their helpers need different names.
                [CriticalSection]
                public partial Task<int> ScaleAsync(int by);
                private Task<int> ScaleCoreAsync(int by) => Task.FromResult(by);

                [CriticalSection]
                public static partial Task<int> ScaleAsync(Mixer mixer, int by);
                private static Task<int> ScaleCoreAsync(Mixer mixer, int by) => Task.FromResult(-by);

                // Its helper's name is the one the second overload above would take first.
                [CriticalSection]
                public partial Task<int> ScaleAsync_2(int by);
                private Task<int> ScaleAsync_2Core(int by) => Task.FromResult(by);

                // No arguments at all: the state is the empty ValueTuple.
                [CriticalSection]
                public static partial Task ResetAsync();
                private static Task ResetCoreAsync() => Task.CompletedTask;

                // An override cannot restate its inherited constraints; the helper, which is no override, must.
                [CriticalSection]
                public override partial Task<T> PassAsync<T>(T item);
                private Task<T> PassCoreAsync<T>(T item) where T : class, IEquatable<T> => Task.FromResult(item);
            }
            """,
        ["Stub_when_the_method_cannot_be_protected"] = """
            namespace Media;
            public partial class Transcoder
            {
                [CriticalSection]
                public partial Task<int> TranscodeAsync(string path, out int frames);
            }
            """,
    };

    public static string Source(string name) => Usings + All[name];

    public static TheoryData<string> Names() => new(All.Keys);
}
