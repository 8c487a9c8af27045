using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace TaskProtection.Generators.Tests.Infrastructure;

/// <summary>Runs <see cref="CriticalSectionGenerator"/> in memory over sources, the way the compiler does in a build.</summary>
public static class GeneratorRunner
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        // The running framework's assemblies plus the runtime: enough to bind anything a consumer writes.
        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return platform
            .Where(static path => Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) is "netstandard.dll" or "mscorlib.dll")
            .Append(typeof(CriticalSectionAttribute).Assembly.Location)
            .Select(static path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    });

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "Consumer",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"File{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999,
                allowUnsafe: true));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new CriticalSectionGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>
    /// Runs the generator; returns its diagnostics, its sources and the compilation with them added. Every run also
    /// checks the pipeline: plain-data outputs, and every step cached on a second run after an edit elsewhere.
    /// </summary>
    public static GeneratorOutcome Run(params string[] sources)
    {
        CSharpCompilation input = Compile(sources);
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        PipelineChecks.AssertIncremental(driver, input);
        return new GeneratorOutcome(
            diagnostics,
            result.GeneratedSources.Select(static s => (s.HintName, s.SourceText.ToString())).ToArray(),
            output);
    }
}

/// <summary>What one generator run produced.</summary>
public sealed record GeneratorOutcome(
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    IReadOnlyList<(string HintName, string Text)> Sources,
    Compilation Output)
{
    /// <summary>The compiler's diagnostics for the user's code plus the generated code, warnings included.</summary>
    public IReadOnlyList<Diagnostic> CompilerDiagnostics =>
        Output.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning).ToArray();

    public string Describe() =>
        string.Join(Environment.NewLine, GeneratorDiagnostics.Concat(CompilerDiagnostics).Select(static d => d.ToString()));
}
