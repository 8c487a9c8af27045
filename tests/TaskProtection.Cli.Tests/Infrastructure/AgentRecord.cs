using TaskProtection.Testing;

namespace TaskProtection.Cli.Tests.Infrastructure;

/// <summary>Reads the fake agent's record: which calls came, in what order, and whether protection ever lapsed.</summary>
internal static class AgentRecord
{
    public static IReadOnlyList<AgentCall> Enables(this ProtectionModel model) =>
        [.. model.Calls.Where(c => c.Method == "PUT" && c.Body.Contains("\"ProtectionEnabled\":true", StringComparison.Ordinal))];

    public static IReadOnlyList<AgentCall> Disables(this ProtectionModel model) =>
        [.. model.Calls.Where(c => c.Method == "PUT" && c.Body.Contains("\"ProtectionEnabled\":false", StringComparison.Ordinal))];

    /// <summary>Asserts the task was protected without a break from the first enable to the last disable.</summary>
    public static void AssertProtectedThroughout(this ProtectionModel model)
    {
        AgentCall first = Assert.Single(model.Calls.Where(c => c.Method == "PUT").Take(1));
        AgentCall release = model.Disables()[^1];
        UnprotectedInterval[] gaps = [.. model.UnprotectedIntervals(first.ReceivedAt).Where(g => g.From < release.ReceivedAt)];
        Assert.True(gaps.Length == 0, $"Unprotected between the first enable and the release: {string.Join(", ", gaps)}");
    }
}
