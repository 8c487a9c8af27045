using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

/// <summary>What one build allocated: in all, and in the generator and the analyzers.</summary>
internal readonly record struct BuildAllocations(long Total, long Generator, long Analyzers);

/// <summary>
/// One build as the compiler runs it (parse, generators, compile with diagnostics, analyzers, emit), on one thread,
/// counting the bytes allocated in each part.
/// </summary>
internal sealed class MeasuredBuild(IReadOnlyList<string> sources, IReadOnlyList<MetadataReference> references)
{
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);

    public BuildAllocations Run(IReadOnlyList<string> extraSources, ImmutableArray<ISourceGenerator> generators, ImmutableArray<DiagnosticAnalyzer> analyzers)
        => RunWithTexts([.. extraSources.Select(static path => (path, File.ReadAllText(path)))], generators, analyzers);

    /// <summary>Builds the project with these sources added, as files of these paths and texts.</summary>
    public BuildAllocations RunWithTexts(IReadOnlyList<(string Path, string Text)> extraSources, ImmutableArray<ISourceGenerator> generators, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        long start = GC.GetTotalAllocatedBytes(precise: true);
        Compilation compilation = Create(extraSources);

        long beforeGenerators = GC.GetTotalAllocatedBytes(precise: true);
        if (!generators.IsEmpty)
        {
            CSharpGeneratorDriver.Create(generators, parseOptions: Parse).RunGeneratorsAndUpdateCompilation(compilation, out compilation, out _);
        }

        long generator = GC.GetTotalAllocatedBytes(precise: true) - beforeGenerators;
        ThrowOnErrors(compilation.GetDiagnostics());
        long beforeAnalyzers = GC.GetTotalAllocatedBytes(precise: true);
        if (!analyzers.IsEmpty)
        {
            var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), null, concurrentAnalysis: false, logAnalyzerExecutionTime: false);
            ThrowOnErrors(compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult());
        }

        long analyzing = GC.GetTotalAllocatedBytes(precise: true) - beforeAnalyzers;
        using var output = new MemoryStream();
        if (!compilation.Emit(output).Success)
        {
            throw new InvalidOperationException("The build did not emit.");
        }

        return new BuildAllocations(GC.GetTotalAllocatedBytes(precise: true) - start, generator, analyzing);
    }

    /// <summary>The files the generators write for the project.</summary>
    public IReadOnlyList<(string Path, string Text)> Generate(ImmutableArray<ISourceGenerator> generators)
    {
        GeneratorDriverRunResult result = CSharpGeneratorDriver.Create(generators, parseOptions: Parse).RunGenerators(Create([])).GetRunResult();
        return [.. result.GeneratedTrees.Select(static tree => (tree.FilePath, tree.GetText().ToString()))];
    }

    private CSharpCompilation Create(IEnumerable<(string Path, string Text)> extraSources) => CSharpCompilation.Create(
        "Consumer",
        sources.Select(static path => (path, File.ReadAllText(path))).Concat(extraSources)
            .Select(static source => CSharpSyntaxTree.ParseText(source.Item2, Parse, source.Item1)),
        references,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, concurrentBuild: false));

    private static void ThrowOnErrors(ImmutableArray<Diagnostic> diagnostics)
    {
        Diagnostic? error = diagnostics.FirstOrDefault(static d => d.Severity == DiagnosticSeverity.Error || d.IsWarningAsError);
        if (error is not null)
        {
            throw new InvalidOperationException($"The build failed: {error}");
        }
    }
}
