using TaskProtection.Tests.Shared;

namespace TaskProtection.Tests.Sessions;

/// <summary>
/// CriticalSectionRunner's overloads for two to six arguments are written from one template (<see cref="RunnerOverloads"/>),
/// not by hand: this compares the checked-in files with its output. To change them, change the template and run this test
/// with TASKPROTECTION_REWRITE_RUNNERS=1, then review the diff.
/// </summary>
public sealed class RunnerOverloadsTests
{
    private const string RewriteVariable = "TASKPROTECTION_REWRITE_RUNNERS";

    public static TheoryData<string> Files => [.. RunnerOverloads.Files().Keys];

    [Theory]
    [MemberData(nameof(Files))]
    public void The_checked_in_overloads_are_the_templates_output(string file)
    {
        string path = RepositoryFiles.Path("src", "Runtime", "Sessions", file);
        string expected = RunnerOverloads.Files()[file];
        if (Environment.GetEnvironmentVariable(RewriteVariable) == "1")
        {
            File.WriteAllText(path, expected);
        }

        string actual = File.ReadAllText(path).ReplaceLineEndings("\n");

        Assert.True(expected == actual, $"{file} is not what the template writes. Edit tests/TaskProtection.Tests/Sessions/RunnerOverloads.cs, not the file, and run this test with {RewriteVariable}=1.");
    }
}
