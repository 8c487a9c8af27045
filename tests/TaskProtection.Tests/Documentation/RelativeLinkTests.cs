using System.Text.RegularExpressions;
using TaskProtection.Tests.Shared;

namespace TaskProtection.Tests.Documentation;

/// <summary>Every relative link in the repository's Markdown leads to a file that exists, and every anchor to a heading in it.</summary>
public sealed partial class RelativeLinkTests
{
    [Fact]
    public void Every_relative_link_and_anchor_in_the_markdown_resolves()
    {
        string root = RepositoryFiles.Root;
        var broken = new List<string>();
        foreach (string file in MarkdownFiles(root))
        {
            foreach (Match link in Link().Matches(File.ReadAllText(file)))
            {
                string target = link.Groups["target"].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                string[] parts = target.Split('#', 2);
                string path = parts[0].Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, Uri.UnescapeDataString(parts[0])));
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    broken.Add($"{Path.GetRelativePath(root, file)}: {target} (no such file)");
                }
                else if (parts.Length == 2 && path.EndsWith(".md", StringComparison.Ordinal) && !Anchors(path).Contains(parts[1]))
                {
                    broken.Add($"{Path.GetRelativePath(root, file)}: {target} (no such heading)");
                }
            }
        }

        Assert.True(broken.Count == 0, "Broken links:" + Environment.NewLine + string.Join(Environment.NewLine, broken));
    }

    private static IEnumerable<string> MarkdownFiles(string root) =>
        Directory.EnumerateFiles(root, "*.md", SearchOption.AllDirectories)
            .Where(static f => !f.Split(Path.DirectorySeparatorChar).Any(static d => d is "bin" or "obj" or "TestResults" or ".git" or "node_modules"));

    /// <summary>GitHub's anchors: headings lower-cased, punctuation but hyphens and underscores dropped, spaces as hyphens.</summary>
    private static HashSet<string> Anchors(string file)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        bool inFence = false;
        foreach (string line in File.ReadLines(file))
        {
            inFence ^= line.StartsWith("```", StringComparison.Ordinal);
            if (!inFence && Heading().Match(line) is { Success: true } heading)
            {
                string slug = new([.. heading.Groups["text"].Value.Trim().ToLowerInvariant().Where(static c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_')]);
                slug = slug.Replace(' ', '-');
                string unique = slug;
                for (int n = 1; !anchors.Add(unique); n++)
                {
                    unique = $"{slug}-{n}";
                }
            }
        }

        return anchors;
    }

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*#*\s*$")]
    private static partial Regex Heading();
}
