using System.Text;
using System.Text.RegularExpressions;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using TaskProtection.Tests.Shared;

namespace TaskProtection.Generators.Tests.Infrastructure;

/// <summary>
/// Golden files: <c>Golden/{name}.verified.cs</c> beside the tests hold the expected generated source. Set the environment
/// variable <c>TASKPROTECTION_UPDATE_GOLDEN=1</c> and run the tests to rewrite them; review the change with git diff.
/// </summary>
public static partial class Golden
{
    public const string UpdateVariable = "TASKPROTECTION_UPDATE_GOLDEN";

    /// <summary>The directory of the golden files.</summary>
    public static string Directory { get; } = RepositoryFiles.Path("tests", "TaskProtection.Generators.Tests", "Golden");

    public static void Match(string name, string actual)
    {
        string directory = Directory;
        string path = Path.Combine(directory, name + ".verified.cs");
        actual = Normalize(actual);

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            System.IO.Directory.CreateDirectory(directory);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"No golden file {path}. Run the tests with {UpdateVariable}=1 to create it, then review it.");
        string expected = Normalize(File.ReadAllText(path));
        if (expected != actual)
        {
            Assert.Fail($"Generated source differs from {path} (- expected, + actual). If the change is intended, run the tests with {UpdateVariable}=1 and review the diff.{Environment.NewLine}{Diff(expected, actual)}");
        }
    }

    /// <summary>A unified-style diff with three lines of context around each change.</summary>
    public static string Diff(string expected, string actual)
    {
        List<DiffPiece> lines = InlineDiffBuilder.Diff(expected, actual, ignoreWhiteSpace: false).Lines;
        var output = new StringBuilder();
        int lastPrinted = -1;
        for (int i = 0; i < lines.Count; i++)
        {
            if (lines[i].Type == ChangeType.Unchanged)
            {
                continue;
            }

            for (int j = Math.Max(lastPrinted + 1, i - 3); j <= Math.Min(lines.Count - 1, i + 3); j++)
            {
                if (j > lastPrinted + 1 && lastPrinted >= 0 && j == Math.Max(lastPrinted + 1, i - 3))
                {
                    output.AppendLine("   ...");
                }

                string marker = lines[j].Type switch
                {
                    ChangeType.Inserted => "+ ",
                    ChangeType.Deleted => "- ",
                    _ => "  ",
                };
                output.Append(marker).AppendLine(lines[j].Text);
                lastPrinted = j;
            }
        }

        return output.ToString();
    }

    /// <summary>Line endings and the generator's version do not make a difference.</summary>
    private static string Normalize(string text) =>
        VersionPattern().Replace(text.Replace("\r\n", "\n", StringComparison.Ordinal), "GeneratedCode(\"TaskProtection.Generators\", \"{version}\")");

    [GeneratedRegex("GeneratedCode\\(\"TaskProtection\\.Generators\", \"[^\"]*\"\\)")]
    private static partial Regex VersionPattern();
}
