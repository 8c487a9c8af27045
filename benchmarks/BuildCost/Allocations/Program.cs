using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

// The bytes the compiler allocates to build the BuildCost project without and with TaskProtection, in this process:
// unlike time on a shared machine, the same build allocates the same amount every run, so a change to the generated
// code or the analyzers shows even where wall and CPU times move by a fifth. measure.sh runs it after the timed builds.
// With --shapes it then builds the project with each wrapper shape of WrapperShapes written as plain files.
bool shapes = args.Contains("--shapes");
args = [.. args.Where(static arg => arg != "--shapes")];
if (args.Length < 5)
{
    Console.Error.WriteLine(
        "Usage: TaskProtection.BuildCost.Allocations <consumer directory> <reference assemblies directory> <TaskProtection.dll> "
        + "<TaskProtection.Generators.dll> <TaskProtection.Analyzers.dll> [analyzers every build runs, such as the SDK's...] [--shapes]");
    return 2;
}

string consumer = args[0];
string[] sources = [.. Directory.GetFiles(consumer, "Worker*.cs").Order(StringComparer.Ordinal)];
string[] stubs = [.. Directory.GetFiles(Path.Combine(consumer, "Stubs"), "*.cs").Order(StringComparer.Ordinal)];
string globalUsings = Directory.GetFiles(Path.Combine(consumer, "obj"), "*.GlobalUsings.g.cs", SearchOption.AllDirectories).FirstOrDefault()
    ?? throw new InvalidOperationException($"No GlobalUsings file under {consumer}/obj: build the project once first.");
MetadataReference[] references =
[
    .. Directory.GetFiles(args[1], "*.dll").Select(static path => MetadataReference.CreateFromFile(path)),
    MetadataReference.CreateFromFile(args[2]),
];

var loader = new PathAssemblyLoader();
var generators = new AnalyzerFileReference(Path.GetFullPath(args[3]), loader).GetGenerators(LanguageNames.CSharp);
var analyzers = new AnalyzerFileReference(Path.GetFullPath(args[4]), loader).GetAnalyzers(LanguageNames.CSharp);

// The SDK's analyzers run in a real build with or without TaskProtection; they build the operation trees that ours
// then share, so leaving them out would charge ours for those.
ImmutableArray<DiagnosticAnalyzer> always = [.. args.Skip(5).SelectMany(path => new AnalyzerFileReference(Path.GetFullPath(path), loader).GetAnalyzers(LanguageNames.CSharp))];
if (generators.Length == 0 || analyzers.Length == 0)
{
    Console.Error.WriteLine($"Found {generators.Length} generators in {args[3]} and {analyzers.Length} analyzers in {args[4]}: expected both.");
    return 2;
}

var build = new MeasuredBuild([globalUsings, .. sources], references);
build.Run([.. stubs], [], always); // the first run of each also loads and compiles the compiler's own code: not counted
build.Run([], generators, always.AddRange(analyzers));
BuildAllocations without = build.Run([.. stubs], [], always);
BuildAllocations with = build.Run([], generators, always.AddRange(analyzers));

Console.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"compiler allocations: without TaskProtection {Mb(without.Total)} MB, with generator + analyzers {Mb(with.Total)} MB, "
    + $"ratio {(double)with.Total / without.Total:F2} (the generator {Mb(with.Generator)} MB, all analyzers {Mb(without.Analyzers)} and {Mb(with.Analyzers)} MB)"));
if (shapes)
{
    // The same build as "without", with wrappers in place of the stubs: what each shape alone costs the compiler, apart
    // from the generator that would write it and our analyzers.
    Console.WriteLine("wrapper shapes as plain files (no generator, none of our analyzers), against the stubs:");
    foreach (WrapperShape shape in WrapperShapes.All)
    {
        ReportShape(shape.Name, shape.Files(stubs));
    }

    ReportShape("what the generator writes", build.Generate(generators));
}

return 0;

void ReportShape(string name, IReadOnlyList<(string Path, string Text)> files)
{
    long total = build.RunWithTexts(files, [], always).Total;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Mb(total),6} MB  {(double)total / without.Total:F2}  {name}"));
}

static string Mb(long bytes) => (bytes / 1e6).ToString("F0", CultureInfo.InvariantCulture);

/// <summary>Loads analyzer assemblies from their paths, into this process.</summary>
internal sealed class PathAssemblyLoader : IAnalyzerAssemblyLoader
{
    public void AddDependencyLocation(string fullPath)
    {
    }

    public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
}
