using static TaskProtection.Analyzers.Tests.Verification;

namespace TaskProtection.Analyzers.Tests.Bypassed;

public sealed class ProtectionBypassedTests
{
    private const string Worker = """
        public partial class Worker
        {
            [CriticalSection]
            public partial Task RunAsync(int n);
            internal Task RunCoreAsync(int n) => n > 0 ? RunCoreAsync(n - 1) : Task.CompletedTask;

            [CriticalSection]
            public static partial void Flush();
            internal static void FlushCore() { }

            [CriticalSection]
            public partial Task OtherAsync();
            private async Task OtherCoreAsync() => await RunAsync(1);

            public Task ReportCoreAsync() => Task.CompletedTask;
            public void Report() { }
        }

        """;

    [Theory]
    [InlineData("await {|TP0003:w.RunCoreAsync(1)|};")]
    [InlineData("{|TP0003:Worker.FlushCore()|};")]
    [InlineData("Func<int, Task> f = {|TP0003:w.RunCoreAsync|}; await f(1);")]
    [InlineData("Action a = {|TP0003:Worker.FlushCore|}; a();")]
    [InlineData("await Task.Run(() => {|TP0003:w.RunCoreAsync(2)|});")]
    [InlineData("var tasks = new[] { {|TP0003:w.RunCoreAsync(1)|} }; await Task.WhenAll(tasks);")]
    public async Task Flags_a_direct_call_to_an_implementation(string statement) =>
        await AnalyzeAsync<ProtectionBypassedAnalyzer>(Worker + $$"""
            public static class Caller
            {
                public static async Task UseAsync(Worker w)
                {
                    {{statement}}
                }
            }
            """);

    [Theory]
    [InlineData("await w.RunAsync(1);")]
    [InlineData("Worker.Flush();")]
    [InlineData("await w.OtherAsync();")]
    [InlineData("await w.ReportCoreAsync();")]
    [InlineData("w.Report();")]
    [InlineData("Console.WriteLine(nameof(Worker.RunCoreAsync));")]
    public async Task Leaves_wrappers_recursion_and_unrelated_names_alone(string statement) =>
        await AnalyzeAsync<ProtectionBypassedAnalyzer>(Worker + $$"""
            public static class Caller
            {
                public static async Task UseAsync(Worker w)
                {
                    {{statement}}
                }
            }
            """);
}
