using System.Text.Json;
using System.Text.RegularExpressions;
using TaskProtection.Tests.Shared;

namespace TaskProtection.Tests.EcsApi;

/// <summary>The README's IAM policies are valid JSON and allow exactly the actions the client calls (the deployment check's two included).</summary>
public sealed partial class IamPolicyDocumentationTests
{
    [Fact]
    public void The_policies_parse_and_grant_every_action_the_client_calls()
    {
        string readme = File.ReadAllText(RepositoryFiles.Path("README.md"));
        int start = readme.IndexOf("### IAM policies", StringComparison.Ordinal);
        int end = readme.IndexOf("### Runbook", start, StringComparison.Ordinal);
        string[] policies = [.. JsonBlock().Matches(readme[start..end]).Select(static m => m.Groups[1].Value)];

        HashSet<string>[] actions = [.. policies.Select(Actions)];

        Assert.Equal(2, policies.Length);
        Assert.Equal(["ecs:DescribeServices", "ecs:DescribeTasks", "ecs:GetTaskProtection", "ecs:UpdateTaskProtection"], actions[0].Order());
        Assert.Equal(["ecs:DescribeServices", "ecs:DescribeTasks", "ecs:GetTaskProtection", "ecs:ListTasks", "ecs:UpdateTaskProtection"], actions[1].Order());
    }

    private static HashSet<string> Actions(string policy)
    {
        using JsonDocument document = JsonDocument.Parse(policy);
        var actions = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonElement statement in document.RootElement.GetProperty("Statement").EnumerateArray())
        {
            JsonElement action = statement.GetProperty("Action");
            actions.UnionWith(action.ValueKind == JsonValueKind.Array ? action.EnumerateArray().Select(static a => a.GetString()!) : [action.GetString()!]);
        }

        return actions;
    }

    [GeneratedRegex("```json\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
