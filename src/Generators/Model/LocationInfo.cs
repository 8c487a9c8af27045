using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace TaskProtection.Generators.Model;

/// <summary>
/// Where a diagnostic points, as plain data: a <see cref="Location"/> would root a syntax tree and defeat caching.
/// </summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(Location location) =>
        location.SourceTree is null ? null : new(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);

    /// <summary>A source location in the compilation's tree for the file, or a file location when the tree is gone.</summary>
    public Location ToLocation(Compilation compilation)
    {
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            if (tree.FilePath == FilePath)
            {
                return Location.Create(tree, Span);
            }
        }

        return Location.Create(FilePath, Span, LineSpan);
    }
}
