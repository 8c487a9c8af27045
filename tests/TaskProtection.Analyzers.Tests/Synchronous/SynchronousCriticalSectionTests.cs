using static TaskProtection.Analyzers.Tests.Verification;

namespace TaskProtection.Analyzers.Tests.Synchronous;

public sealed class SynchronousCriticalSectionTests
{
    [Theory]
    [InlineData("public partial void {|TP0005:Run|}();", "private void RunCore() { }")]
    [InlineData("public partial int {|TP0005:Count|}();", "private int CountCore() => 1;")]
    [InlineData("public partial IEnumerable<int> {|TP0005:Items|}();", "private IEnumerable<int> ItemsCore() { yield return 1; }")]
    [InlineData("public static partial void {|TP0005:Flush|}();", "private static void FlushCore() { }")]
    [InlineData("public partial T {|TP0005:Echo|}<T>(T value);", "private T EchoCore<T>(T value) => value;")]
    [InlineData("public partial ref int {|TP0005:Slot|}();", "private ref int SlotCore() => ref _slot;")]
    public async Task Notes_a_synchronous_critical_section(string declaration, string implementation) =>
        await AnalyzeAsync<SynchronousCriticalSectionAnalyzer>($$"""
            public partial class Worker
            {
                private int _slot;

                [CriticalSection]
                {{declaration}}
                {{implementation}}
            }
            """);

    [Theory]
    [InlineData("public partial Task RunAsync();", "private Task RunCoreAsync() => Task.CompletedTask;")]
    [InlineData("public partial Task<int> CountAsync();", "private Task<int> CountCoreAsync() => Task.FromResult(1);")]
    [InlineData("public partial ValueTask FlushAsync();", "private ValueTask FlushCoreAsync() => default;")]
    [InlineData("public partial ValueTask<int> SumAsync();", "private ValueTask<int> SumCoreAsync() => new(1);")]
    [InlineData("public partial IAsyncEnumerable<int> ItemsAsync();", "private async IAsyncEnumerable<int> ItemsCoreAsync() { await Task.Yield(); yield return 1; }")]
    public async Task Leaves_awaitable_critical_sections_alone(string declaration, string implementation) =>
        await AnalyzeAsync<SynchronousCriticalSectionAnalyzer>($$"""
            public partial class Worker
            {
                [CriticalSection]
                {{declaration}}
                {{implementation}}
            }
            """);

    [Fact]
    public async Task Leaves_ordinary_partial_methods_alone() =>
        await AnalyzeAsync<SynchronousCriticalSectionAnalyzer>("""
            public partial class Worker
            {
                public partial void Run();
                public partial void Run() { }
            }
            """);
}
