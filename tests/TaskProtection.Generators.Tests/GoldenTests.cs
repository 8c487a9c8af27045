using TaskProtection.Generators.Tests.Infrastructure;

namespace TaskProtection.Generators.Tests;

/// <summary>The generated source for every supported shape, checked against <c>Golden/*.verified.cs</c>.</summary>
public sealed class GoldenTests
{
    [Theory]
    [MemberData(nameof(ShapeCases.Names), MemberType = typeof(ShapeCases))]
    public void Generated_source_matches_its_golden_file_and_compiles_without_warnings(string name)
    {
        GeneratorOutcome outcome = GeneratorRunner.Run(ShapeCases.Source(name));

        bool expectsError = name.StartsWith("Stub_", StringComparison.Ordinal);
        Assert.True(
            outcome.GeneratorDiagnostics.IsEmpty != expectsError,
            $"Unexpected generator diagnostics for {name}:{Environment.NewLine}{outcome.Describe()}");
        Assert.True(outcome.CompilerDiagnostics.Count == 0, $"Generated code for {name} does not compile cleanly:{Environment.NewLine}{outcome.Describe()}");

        string combined = string.Join(
            Environment.NewLine,
            outcome.Sources.OrderBy(static s => s.HintName, StringComparer.Ordinal).Select(static s => $"//// {s.HintName}{Environment.NewLine}{s.Text}"));
        Golden.Match(name, combined);
    }

    [Fact]
    public void Every_golden_file_belongs_to_a_case()
    {
        string[] orphans = Directory.GetFiles(Golden.Directory, "*.verified.cs")
            .Select(static path => Path.GetFileName(path)[..^".verified.cs".Length])
            .Where(static name => !ShapeCases.All.ContainsKey(name))
            .ToArray();
        Assert.True(orphans.Length == 0, $"Golden files without a case (delete them): {string.Join(", ", orphans)}");
    }

    [Fact]
    public void A_difference_is_shown_as_a_readable_diff()
    {
        string diff = Golden.Diff("a\nb\nc\nd\ne\nf\ng\nh\ni\n", "a\nb\nc\nd\nE\nf\ng\nh\ni\n");
        Assert.Equal(
            string.Join(Environment.NewLine, "  b", "  c", "  d", "- e", "+ E", "  f", "  g", "  h") + Environment.NewLine,
            diff);
    }
}
