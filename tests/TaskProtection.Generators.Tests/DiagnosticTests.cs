using Microsoft.CodeAnalysis;
using TaskProtection.Generators.Tests.Infrastructure;

namespace TaskProtection.Generators.Tests;

/// <summary>
/// Each error the generator reports, with a case that must report it and one that must not. An error always comes
/// alone: the generator either emits nothing or a stand-in body, so the compiler adds no cascade (CS8795 and friends).
/// </summary>
public sealed class DiagnosticTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using TaskProtection;
        namespace App;

        """;

    [Fact]
    public void Every_generator_error_is_an_error_that_pragma_and_editorconfig_cannot_silence()
    {
        Assert.Equal(10, TaskProtection.Generators.Diagnostics.GeneratorDiagnostics.All.Length);
        Assert.All(TaskProtection.Generators.Diagnostics.GeneratorDiagnostics.All, d =>
        {
            Assert.Equal(DiagnosticSeverity.Error, d.DefaultSeverity);
            Assert.Contains(WellKnownDiagnosticTags.NotConfigurable, d.CustomTags);
        });
    }

    [Fact]
    public void TP0101_attribute_on_a_method_with_a_body()
    {
        Diagnostic error = SingleError(DiagnosticIds.NotPartialDeclaration, """
            public partial class Worker
            {
                [CriticalSection]
                public Task<int> RunAsync(string path) => Task.FromResult(1);
            }
            """);
        Assert.Contains("Declare 'public partial Task<int> RunAsync(string path);' and move the body into 'RunCoreAsync'", Message(error), StringComparison.Ordinal);
        AssertLocatedAt(error, "RunAsync");
    }

    [Fact]
    public void TP0101_attribute_on_a_non_partial_method_without_a_body()
    {
        SingleError(DiagnosticIds.NotPartialDeclaration, """
            public abstract partial class Worker
            {
                [CriticalSection]
                public abstract void Run();
            }
            """);
    }

    [Fact]
    public void TP0101_not_reported_for_a_partial_declaration()
    {
        AssertClean("""
            public partial class Worker
            {
                [CriticalSection]
                public partial Task<int> RunAsync(string path);
                private Task<int> RunCoreAsync(string path) => Task.FromResult(1);
            }
            """);
    }

    [Fact]
    public void TP0102_containing_type_not_partial()
    {
        Diagnostic error = Assert.Single(Run("""
            public class Outer
            {
                public partial class Worker
                {
                    [CriticalSection]
                    public partial void Run();
                    private void RunCore() { }
                }
            }
            """).GeneratorDiagnostics);
        Assert.Equal(DiagnosticIds.ContainingTypeNotPartial, error.Id);
        Assert.Contains("'Outer' must be declared 'partial'", Message(error), StringComparison.Ordinal);
    }

    [Fact]
    public void TP0102_names_every_type_of_the_chain_that_is_not_partial()
    {
        Diagnostic error = Assert.Single(Run("""
            public class Outer
            {
                public class Worker
                {
                    [CriticalSection]
                    public partial void Run();
                    private void RunCore() { }
                }
            }
            """).GeneratorDiagnostics);
        Assert.Contains("'Outer' and 'Worker' must be declared 'partial'", Message(error), StringComparison.Ordinal);
    }

    [Fact]
    public void TP0102_not_reported_when_the_whole_chain_is_partial()
    {
        AssertClean("""
            public partial class Outer
            {
                public partial class Worker
                {
                    [CriticalSection]
                    public partial void Run();
                    private void RunCore() { }
                }
            }
            """);
    }

    [Fact]
    public void TP0103_implementation_missing_says_what_to_write()
    {
        Diagnostic error = SingleError(DiagnosticIds.ImplementationMissing, """
            public partial class Worker
            {
                [CriticalSection]
                public partial Task<string?> ImportAsync(string path, CancellationToken ct);
            }
            """);
        Assert.Contains("'ImportCoreAsync' was not found. Add 'private async Task<string?> ImportCoreAsync(string path, CancellationToken ct)' to 'Worker'", Message(error), StringComparison.Ordinal);
    }

    [Fact]
    public void TP0103_not_reported_when_the_name_follows_the_rule()
    {
        AssertClean("""
            public partial class Worker
            {
                [CriticalSection]
                public partial void Import();
                private void ImportCore() { }

                [CriticalSection]
                public partial Task ExportAsync();
                private Task ExportCoreAsync() => Task.CompletedTask;

                [CriticalSection]
                public partial Task Async();
                private Task AsyncCore() => Task.CompletedTask;
            }
            """);
    }

    [Theory]
    [InlineData("private Task<int> RunCoreAsync(long path) => Task.FromResult(1);", "parameter 'path' is 'long' where the declaration's is 'string'")]
    [InlineData("private Task<long> RunCoreAsync(string path) => Task.FromResult(1L);", "its return type is 'Task<long>' where the declaration's is 'Task<int>'")]
    [InlineData("private Task<int> RunCoreAsync(string? path) => Task.FromResult(1);", "(nullability differs)")]
    [InlineData("private Task<int> RunCoreAsync(ref string path) => Task.FromResult(1);", "parameter 'path' is passed as 'ref' where the declaration's is passed as 'value'")]
    [InlineData("private Task<int> RunCoreAsync() => Task.FromResult(1);", "it has 0 parameters where the declaration has 1")]
    [InlineData("private Task<int> RunCoreAsync<T>(string path) => Task.FromResult(1);", "it has 1 type parameters where the declaration has 0")]
    public void TP0104_implementation_that_does_not_match(string implementation, string reason)
    {
        Diagnostic error = SingleError(DiagnosticIds.ImplementationMismatch, $$"""
            public partial class Worker
            {
                [CriticalSection]
                public partial Task<int> RunAsync(string path);
                {{implementation}}
            }
            """);
        Assert.Contains(reason, Message(error), StringComparison.Ordinal);
        Assert.Contains("Declare it as 'private async Task<int> RunCoreAsync(string path)'", Message(error), StringComparison.Ordinal);
    }

    [Fact]
    public void TP0104_static_declaration_needs_a_static_implementation()
    {
        Diagnostic error = SingleError(DiagnosticIds.ImplementationMismatch, """
            public partial class Worker
            {
                [CriticalSection]
                public static partial void Run();
                private void RunCore() { }
            }
            """);
        Assert.Contains("it is not static", Message(error), StringComparison.Ordinal);
    }

    [Fact]
    public void TP0104_constraints_must_match()
    {
        Diagnostic error = SingleError(DiagnosticIds.ImplementationMismatch, """
            public partial class Worker
            {
                [CriticalSection]
                public partial void Run<T>(T item) where T : class;
                private void RunCore<T>(T item) where T : class, IDisposable { }
            }
            """);
        Assert.Contains("the constraints of type parameter 'T' differ", Message(error), StringComparison.Ordinal);
    }

    [Fact]
    public void TP0104_constraints_are_compared_as_types_with_type_parameters_matched_by_position()
    {
        // Renamed, reordered constraints that name each other match; a constraint naming the wrong parameter does not,
        // even when its text would after a rename (U in one is T in the other).
        AssertClean("""
            public partial class Worker
            {
                [CriticalSection]
                public partial void Pair<T, U>(T first, U second) where T : IComparable<U>, IDisposable where U : struct;
                private void PairCore<A, B>(A first, B second) where A : IDisposable, IComparable<B> where B : struct { }
            }
            """);
        Diagnostic error = SingleError(DiagnosticIds.ImplementationMismatch, """
            public partial class Worker
            {
                [CriticalSection]
                public partial void Pair<T, U>(T first, U second) where T : IComparable<U>;
                private void PairCore<U, T>(U first, T second) where U : IComparable<U> { }
            }
            """);
        Assert.Contains("the constraints of type parameter 'U' differ", Message(error), StringComparison.Ordinal);
    }

    [Fact]
    public void TP0104_not_reported_for_a_matching_overload_nor_for_oblivious_nullability()
    {
        AssertClean("""
            public partial class Worker
            {
                [CriticalSection]
                public partial Task<int> RunAsync(string path);
                private Task<int> RunCoreAsync(int other) => Task.FromResult(other);
                private Task<int> RunCoreAsync(string path) => Task.FromResult(path.Length);

                [CriticalSection]
                public partial void Use<TItem>(TItem item) where TItem : IComparable<TItem>;
                private void UseCore<TOther>(TOther item) where TOther : IComparable<TOther> { }

                [CriticalSection]
                public partial void Legacy(string path);
            #nullable disable
                private void LegacyCore(string path) { }
            #nullable restore
            }
            """);
    }

    [Fact]
    public void TP0105_async_void_implementation()
    {
        Diagnostic error = SingleError(DiagnosticIds.AsyncVoidImplementation, """
            public partial class Worker
            {
                [CriticalSection]
                public partial void Run();
                private async void RunCore() => await Task.Yield();
            }
            """);
        Assert.Contains("Make both methods return Task", Message(error), StringComparison.Ordinal);
    }

    [Fact]
    public void TP0105_not_reported_for_a_synchronous_void_implementation()
    {
        AssertClean("""
            public partial class Worker
            {
                [CriticalSection]
                public partial void Run();
                private void RunCore() { }
            }
            """);
    }

    [Theory]
    [InlineData("public partial Task RunAsync(Span<byte> data);", "parameter 'data' is a ref struct or pointer ('Span<byte>')")]
    [InlineData("public partial Task RunAsync(ref int count);", "parameter 'count' is passed as 'ref'")]
    [InlineData("public partial ValueTask<int> RunAsync(out int count);", "parameter 'count' is passed as 'out'")]
    [InlineData("public partial IAsyncEnumerable<int> RunAsync(in int count);", "parameter 'count' is passed by reference, which an enumeration cannot take along")]
    [InlineData("public partial IEnumerable<int> Run(ReadOnlySpan<char> text);", "parameter 'text' is a ref struct or pointer")]
    [InlineData("public unsafe partial Task RunAsync(int* data);", "parameter 'data' is a ref struct or pointer ('int*')")]
    public void TP0106_parameters_that_cannot_be_carried_into_the_body(string declaration, string reason)
    {
        Diagnostic error = SingleError(DiagnosticIds.CannotCrossAwait, $$"""
            public partial class Worker
            {
                [CriticalSection]
                {{declaration}}
            }
            """);
        Assert.Contains(reason, Message(error), StringComparison.Ordinal);
    }

    [Fact]
    public void TP0106_instance_method_of_a_ref_struct_that_awaits()
    {
        Diagnostic error = SingleError(DiagnosticIds.CannotCrossAwait, """
            public ref partial struct Cursor
            {
                [CriticalSection]
                public partial Task RunAsync();
                private Task RunCoreAsync() => Task.CompletedTask;
            }
            """);
        Assert.Contains("instance method of the ref struct 'Cursor'", Message(error), StringComparison.Ordinal);
    }

    [Fact]
    public void TP0106_not_reported_where_the_value_can_be_carried()
    {
        AssertClean("""
            public ref partial struct Cursor
            {
                [CriticalSection]
                public partial int Count(Span<byte> data, ref int total, out int last);
                private int CountCore(Span<byte> data, ref int total, out int last) { last = 0; return data.Length; }

                [CriticalSection]
                public static partial Task RunAsync(in Guid id);
                private static Task RunCoreAsync(in Guid id) => Task.CompletedTask;
            }
            """);
    }

    [Theory]
    [InlineData("IEnumerator<int>", "'IEnumerator<int>', whose work runs after the method has returned")]
    [InlineData("IAsyncEnumerator<int>", "'IAsyncEnumerator<int>', whose work runs after the method has returned")]
    [InlineData("System.Collections.IEnumerable", "'IEnumerable', whose work runs after the method has returned")]
    [InlineData("Lazy", "'Lazy', an awaitable whose completion the session cannot follow")]
    [InlineData("System.Runtime.CompilerServices.YieldAwaitable", "an awaitable whose completion the session cannot follow")]
    public void TP0107_return_types_whose_work_the_session_cannot_follow(string returnType, string reason)
    {
        Diagnostic error = SingleError(DiagnosticIds.UnsupportedReturnType, $$"""
            public sealed class Lazy
            {
                public System.Runtime.CompilerServices.TaskAwaiter GetAwaiter() => Task.CompletedTask.GetAwaiter();
            }
            public partial class Worker
            {
                [CriticalSection]
                public partial {{returnType}} Run();
            }
            """);
        Assert.Contains(reason, Message(error), StringComparison.Ordinal);
    }

    [Fact]
    public void TP0107_not_reported_for_supported_return_types()
    {
        AssertClean("""
            public partial class Worker
            {
                [CriticalSection]
                public partial IEnumerable<int> Run();
                private IEnumerable<int> RunCore() { yield return 1; }

                [CriticalSection]
                public partial Func<Task> Make();
                private Func<Task> MakeCore() => () => Task.CompletedTask;
            }
            """);
    }

    [Theory]
    [InlineData("public partial interface IWorker", "it is declared in the interface 'IWorker'")]
    [InlineData("file partial class Worker", "'Worker' is a file-local type")]
    public void TP0108_containers_no_generated_file_can_extend(string container, string reason)
    {
        Diagnostic error = Assert.Single(Run($$"""
            {{container}}
            {
                [CriticalSection]
                public partial void Run();
            }
            """).GeneratorDiagnostics);
        Assert.Equal(DiagnosticIds.UnsupportedContainingType, error.Id);
        Assert.Contains(reason, Message(error), StringComparison.Ordinal);
    }

    [Fact]
    public void TP0108_not_reported_for_classes_structs_and_records()
    {
        AssertClean("""
            public partial class A { [CriticalSection] public partial void Run(); private void RunCore() { } }
            public partial struct B { [CriticalSection] public partial void Run(); private void RunCore() { } }
            public partial record C { [CriticalSection] public partial void Run(); private void RunCore() { } }
            public partial record struct D { [CriticalSection] public partial void Run(); private void RunCore() { } }
            """);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    [InlineData("null")]
    public void TP0109_empty_session_name(string argument)
    {
        Diagnostic error = SingleError(DiagnosticIds.InvalidSessionName, $$"""
            public partial class Worker
            {
                [CriticalSection({{argument}})]
                public partial void Run();
                private void RunCore() { }
            }
            """);
        Assert.Contains("pass a name such as \"Worker.Run\"", Message(error), StringComparison.Ordinal);
        AssertLocatedAt(error, $"CriticalSection({argument})");
    }

    [Fact]
    public void TP0109_not_reported_for_a_name()
    {
        GeneratorOutcome outcome = AssertClean("""
            public partial class Worker
            {
                [CriticalSection("nightly-import")]
                public partial void Run();
                private void RunCore() { }
            }
            """);
        Assert.Contains("Enter(\"nightly-import\")", Assert.Single(outcome.Sources).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void TP0110_hand_written_implementing_part()
    {
        GeneratorOutcome outcome = Run("""
            public partial class Worker
            {
                [CriticalSection]
                public partial void Run();
                public partial void Run() { }
                private void RunCore() { }
            }
            """);
        Diagnostic error = Assert.Single(outcome.GeneratorDiagnostics);
        Assert.Equal(DiagnosticIds.AlreadyImplemented, error.Id);
        Assert.Empty(outcome.Sources);
        Assert.Empty(outcome.CompilerDiagnostics);
    }

    [Fact]
    public void TP0110_attribute_on_the_implementing_part()
    {
        GeneratorOutcome outcome = Run("""
            public partial class Worker
            {
                public partial void Run();
                [CriticalSection]
                public partial void Run() { }
            }
            """);
        Assert.Equal(DiagnosticIds.AlreadyImplemented, Assert.Single(outcome.GeneratorDiagnostics).Id);
    }

    [Fact]
    public void TP0110_not_reported_when_the_generator_writes_the_part()
    {
        AssertClean("""
            public partial class Worker
            {
                [CriticalSection]
                public partial void Run();
                private void RunCore() { }
            }
            """);
    }

    [Fact]
    public void Every_descriptor_is_an_error_with_a_help_link_and_a_unique_id()
    {
        string[] ids = [.. DiagnosticIds.All.Where(static id => id.StartsWith("TP01", StringComparison.Ordinal))];
        foreach (string id in ids)
        {
            DiagnosticDescriptor descriptor = Diagnostics.GeneratorDiagnostics.ById(id);
            Assert.Equal(DiagnosticSeverity.Error, descriptor.DefaultSeverity);
            Assert.EndsWith($"docs/rules/{id}.md", descriptor.HelpLinkUri, StringComparison.Ordinal);
        }

        Assert.Throws<ArgumentException>(() => Diagnostics.GeneratorDiagnostics.ById("TP9999"));
    }

    private static string Message(Diagnostic diagnostic) => diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);

    private static GeneratorOutcome Run(string source) => GeneratorRunner.Run(Usings + source);

    /// <summary>The generator reports exactly this error, and the build has no other error: no cascade.</summary>
    private static Diagnostic SingleError(string id, string source)
    {
        GeneratorOutcome outcome = Run(source);
        Diagnostic error = Assert.Single(outcome.GeneratorDiagnostics);
        Assert.Equal(id, error.Id);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.True(
            !outcome.CompilerDiagnostics.Any(static d => d.Severity == DiagnosticSeverity.Error),
            $"The compiler added errors to {id}:{Environment.NewLine}{outcome.Describe()}");
        return error;
    }

    private static GeneratorOutcome AssertClean(string source)
    {
        GeneratorOutcome outcome = Run(source);
        Assert.True(outcome.GeneratorDiagnostics.IsEmpty && outcome.CompilerDiagnostics.Count == 0, outcome.Describe());
        return outcome;
    }

    private static void AssertLocatedAt(Diagnostic diagnostic, string text)
    {
        Assert.Equal("File0.cs", diagnostic.Location.GetLineSpan().Path);
        int start = Usings.Length;
        Assert.True(diagnostic.Location.SourceSpan.Start >= start);
        Assert.Equal(text.Length, diagnostic.Location.SourceSpan.Length);
    }
}
