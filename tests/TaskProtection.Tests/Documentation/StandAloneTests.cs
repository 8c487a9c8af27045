using TaskProtection.Tests.Shared;

namespace TaskProtection.Tests.Documentation;

/// <summary>The repository stands alone: its docs and code never send a reader to files outside it.</summary>
public sealed class StandAloneTests
{
    [Fact]
    public void No_document_or_source_file_points_outside_the_repository()
    {
        string root = RepositoryFiles.Path();
        string[] offending = [.. new[] { "README.md", "CHANGELOG.md" }.Select(f => Path.Combine(root, f))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "src"), "*.csproj", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "samples"), "*.md", SearchOption.AllDirectories))
            .Where(static f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                               && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(static f => File.ReadAllText(f) is var text && Points(text))
            .Select(f => Path.GetRelativePath(root, f))];

        Assert.True(offending.Length == 0, $"These files point outside the repository: {string.Join(", ", offending)}");
    }

    /// <summary>What pointing outside looks like: the sibling folder the project grew from, its design document and sections.</summary>
    private static readonly string[] Outside = [string.Concat("..", "/", "shared"), "DESIGN" + ".md", "DESIGN" + " §"];

    private static bool Points(string text) => Outside.Any(marker => text.Contains(marker, StringComparison.Ordinal));
}
