using Microsoft.CodeAnalysis.Testing;
using static TaskProtection.Analyzers.Tests.Verification;

namespace TaskProtection.Analyzers.Tests.CannotBeProtected;

/// <summary>
/// The code fixes for the generator's errors. The generator runs inside the test, as in a build, and reports them;
/// each fix must leave code the generator accepts (no diagnostic left), and Fix All must do the same for all of them.
/// </summary>
public sealed class CannotBeProtectedFixTests
{
    [Fact]
    public async Task TP0101_turns_methods_with_bodies_into_declarations_and_moves_the_bodies() =>
        await FixAsync<EmptyDiagnosticAnalyzer, MakePartialDeclarationCodeFix>(
            """
            public partial class Worker
            {
                [CriticalSection]
                public async Task<int> {|TP0101:TranscodeAsync|}(string path, CancellationToken ct = default)
                {
                    await Task.Yield();
                    return path.Length;
                }

                [CriticalSection("import")]
                internal static int {|TP0101:Import|}(int rows) => rows * 2;
            }
            """,
            """
            public partial class Worker
            {
                [CriticalSection]
                public partial Task<int> TranscodeAsync(string path, CancellationToken ct = default);

                private async Task<int> TranscodeCoreAsync(string path, CancellationToken ct)
                {
                    await Task.Yield();
                    return path.Length;
                }

                [CriticalSection("import")]
                internal static partial int Import(int rows);

                private static int ImportCore(int rows) => rows * 2;
            }
            """);

    [Fact]
    public async Task TP0102_makes_every_containing_type_partial() =>
        await FixAsync<EmptyDiagnosticAnalyzer, AddPartialToTypesCodeFix>(
            """
            public static class Jobs
            {
                public class Transcoder
                {
                    [CriticalSection]
                    public partial Task {|TP0102:RunAsync|}();
                    private Task RunCoreAsync() => Task.CompletedTask;
                }
            }
            """,
            """
            public static partial class Jobs
            {
                public partial class Transcoder
                {
                    [CriticalSection]
                    public partial Task RunAsync();
                    private Task RunCoreAsync() => Task.CompletedTask;
                }
            }
            """,
            // The compiler's own errors for the same mistake; the generator cannot add code to a type that is not partial.
            compilerErrors:
            [
                DiagnosticResult.CompilerError("CS0751").WithSpan(11, 29, 11, 37),
                DiagnosticResult.CompilerError("CS8795").WithSpan(11, 29, 11, 37).WithArguments("Jobs.Transcoder.RunAsync()"),
            ]);

    [Fact]
    public async Task TP0103_adds_each_missing_implementation_with_the_declarations_signature() =>
        await FixAsync<EmptyDiagnosticAnalyzer, AddImplementationCodeFix>(
            """
            public partial class Worker
            {
                [CriticalSection]
                public partial Task<string?> {|TP0103:ImportAsync|}(string path, CancellationToken ct = default);

                [CriticalSection]
                public static partial T {|TP0103:Echo|}<T>(T value) where T : notnull;
            }
            """,
            """
            public partial class Worker
            {
                [CriticalSection]
                public partial Task<string?> ImportAsync(string path, CancellationToken ct = default);

                private Task<string?> ImportCoreAsync(string path, CancellationToken ct) => throw new global::System.NotImplementedException();

                [CriticalSection]
                public static partial T Echo<T>(T value) where T : notnull;

                private static T EchoCore<T>(T value) where T : notnull => throw new global::System.NotImplementedException();
            }
            """);

    [Fact]
    public async Task TP0105_makes_the_declaration_and_its_async_void_implementation_return_Task() =>
        await FixAsync<EmptyDiagnosticAnalyzer, ReturnTaskCodeFix>(
            """
            public partial class Worker
            {
                [CriticalSection]
                public partial void {|TP0105:Upload|}(string path);
                private async void UploadCore(string path) => await Task.Yield();

                [CriticalSection]
                public partial void {|TP0105:Flush|}();
                private async void FlushCore() => await Task.Yield();
            }
            """,
            """
            public partial class Worker
            {
                [CriticalSection]
                public partial Task Upload(string path);
                private async Task UploadCore(string path) => await Task.Yield();

                [CriticalSection]
                public partial Task Flush();
                private async Task FlushCore() => await Task.Yield();
            }
            """);
}
