namespace TaskProtection.Tests.Processes;

/// <summary>
/// Tests that start real child processes run one at a time, after the parallel tests: a dotnet start-up is CPU-heavy, and
/// their timing bounds (exit within 2 s of a signal) are about the product, not about a crowded machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChildProcessGroup
{
    public const string Name = "Child processes";
}
