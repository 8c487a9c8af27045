using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using TaskProtection.Generators.Model;
using TaskProtection.Generators.Tests.Infrastructure;

namespace TaskProtection.Generators.Tests;

/// <summary>
/// The generator must cost nothing on edits that do not touch a critical section: every tracked step cached, no model
/// holding a symbol, syntax node, location or compilation (any of which would defeat caching and leak memory in the IDE).
/// </summary>
public sealed class IncrementalityTests
{
    private static readonly string[] TrackedSteps = PipelineChecks.TrackedSteps;

    private const string Critical = """
        using System.Threading;
        using System.Threading.Tasks;
        using TaskProtection;
        namespace App;
        public partial class Worker
        {
            [CriticalSection]
            public partial Task<int> RunAsync(string path, CancellationToken ct);
            private Task<int> RunCoreAsync(string path, CancellationToken ct) => Task.FromResult(path.Length);

            [CriticalSection]
            public partial void Broken();
        }
        """;

    private const string Unrelated = """
        namespace App;
        public class Helper
        {
            public int Twice(int value) => value * 2;
        }
        """;

    [Fact]
    public void An_edit_elsewhere_leaves_every_step_cached_or_unchanged()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce();
        SyntaxTree unrelated = compilation.SyntaxTrees.Single(static t => t.FilePath == "File1.cs");
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            unrelated,
            unrelated.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Unrelated.Replace("value * 2", "value + value", StringComparison.Ordinal))));

        GeneratorRunResult second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllCached(second);
    }

    [Fact]
    public void A_new_file_without_critical_sections_leaves_every_step_cached_or_unchanged()
    {
        (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce();
        CSharpCompilation edited = compilation.AddSyntaxTrees(
            CSharpSyntaxTree.ParseText("namespace App; public sealed class Another { }", GeneratorRunner.ParseOptions, path: "File2.cs"));

        GeneratorRunResult second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllCached(second);
    }

    [Fact]
    public void An_edit_to_a_critical_section_is_seen()
    {
        // The converse: the test above could not fail if nothing were ever regenerated.
        (GeneratorDriver driver, CSharpCompilation compilation) = RunOnce();
        SyntaxTree critical = compilation.SyntaxTrees.Single(static t => t.FilePath == "File0.cs");
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            critical,
            critical.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Critical.Replace("[CriticalSection]\n    public partial Task<int>", "[CriticalSection(\"renamed\")]\n    public partial Task<int>", StringComparison.Ordinal))));

        GeneratorRunResult second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(
            second.TrackedSteps[TrackingNames.Specs].SelectMany(static step => step.Outputs),
            static output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("\"renamed\"", second.GeneratedSources.Single(static s => s.HintName.StartsWith("App.Worker.", StringComparison.Ordinal)).SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_edit_to_one_types_critical_section_rewrites_only_that_types_file()
    {
        const string Other = """
            using System.Threading.Tasks;
            using TaskProtection;
            namespace App;
            public partial class Importer
            {
                [CriticalSection]
                public partial Task ImportAsync(int batch);
                private Task ImportCoreAsync(int batch) => Task.CompletedTask;
            }
            """;
        CSharpCompilation compilation = GeneratorRunner.Compile(Critical, Unrelated, Other);
        GeneratorDriver driver = GeneratorRunner.CreateDriver().RunGenerators(compilation);
        SyntaxTree critical = compilation.SyntaxTrees.Single(static t => t.FilePath == "File0.cs");
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(
            critical,
            critical.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(Critical.Replace("[CriticalSection]\n    public partial Task<int>", "[CriticalSection(\"renamed\")]\n    public partial Task<int>", StringComparison.Ordinal))));

        GeneratorRunResult second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Equal(2, second.GeneratedSources.Length);
        var reasons = second.TrackedSteps[TrackingNames.Types]
            .SelectMany(static step => step.Outputs)
            .Select(static output => (((CriticalTypeSpec)output.Value).ContainingTypes[0].Name, output.Reason))
            .ToDictionary(static pair => pair.Name, static pair => pair.Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, reasons["Worker"]);
        Assert.Equal(IncrementalStepRunReason.Unchanged, reasons["Importer"]);
    }

    [Fact]
    public void No_pipeline_model_holds_a_symbol_syntax_node_location_or_compilation()
    {
        (GeneratorDriver driver, _) = RunOnce();
        GeneratorRunResult result = driver.GetRunResult().Results.Single();

        foreach (string name in TrackedSteps)
        {
            // This source has a valid and a broken critical section: every step runs and must be tracked.
            Assert.True(result.TrackedSteps.ContainsKey(name), $"Step '{name}' is not tracked.");
            foreach (IncrementalGeneratorRunStep step in result.TrackedSteps[name])
            {
                foreach ((object value, _) in step.Outputs)
                {
                    AssertPlainData(value, $"{name} output", []);
                }
            }
        }
    }

    [Fact]
    public void The_purity_check_catches_a_forbidden_type()
    {
        (_, CSharpCompilation compilation) = RunOnce();
        var holder = new List<object> { "fine", new[] { compilation.SyntaxTrees[0].GetRoot() } };
        Assert.ThrowsAny<Exception>(() => AssertPlainData(holder, "holder", []));
    }

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) RunOnce()
    {
        CSharpCompilation compilation = GeneratorRunner.Compile(Critical, Unrelated);
        GeneratorDriver driver = GeneratorRunner.CreateDriver().RunGenerators(compilation);
        GeneratorRunResult first = driver.GetRunResult().Results.Single();
        Assert.Single(first.GeneratedSources, static s => s.HintName.StartsWith("App.Worker.", StringComparison.Ordinal));
        Assert.Equal(DiagnosticIds.ImplementationMissing, Assert.Single(first.Diagnostics).Id);
        return (driver, compilation);
    }

    private static void AssertAllCached(GeneratorRunResult result) => PipelineChecks.AssertAllCached(result);

    private static void AssertPlainData(object? value, string path, HashSet<object> visited) => PipelineChecks.AssertPlainData(value, path, visited);
}
