using static TaskProtection.Analyzers.Tests.Verification;

namespace TaskProtection.Analyzers.Tests.Blocking;

public sealed class BlockingCallTests
{
    private static string Implementation(string body, string modifiers = "async Task") => $$"""
        public partial class Worker
        {
            [CriticalSection]
            public partial Task RunAsync(Task<int> input);

            private {{modifiers}} RunCoreAsync(Task<int> input)
            {
                {{body}}
            }

            public sealed class Outcome { public int Result { get; set; } }
        }
        """;

    [Theory]
    [InlineData("int x = {|TP0004:input.Result|}; await Task.Yield();")]
    [InlineData("{|TP0004:input.Wait()|}; await Task.Yield();")]
    [InlineData("int x = {|TP0004:input.GetAwaiter().GetResult()|}; await Task.Yield();")]
    [InlineData("{|TP0004:Thread.Sleep(10)|}; await Task.Yield();")]
    [InlineData("{|TP0004:Task.WaitAll(input)|}; await Task.Yield();")]
    [InlineData("Func<int> f = () => {|TP0004:input.Result|}; await Task.Yield(); f();")]
    [InlineData("ValueTask<int> v = new(input); int x = {|TP0004:v.Result|}; await Task.Yield();")]
    [InlineData("using var gate = new SemaphoreSlim(1); {|TP0004:gate.Wait()|}; await Task.Yield();")]
    [InlineData("using var ev = new ManualResetEvent(false); {|TP0004:ev.WaitOne(10)|}; await Task.Yield();")]
    [InlineData("{|TP0004:SpinWait.SpinUntil(() => input.IsCompleted)|}; await Task.Yield();")]
    public async Task Flags_blocking_in_an_async_implementation(string body) =>
        await AnalyzeAsync<BlockingCallAnalyzer>(Implementation(body));

    [Fact]
    public async Task Flags_blocking_in_a_task_returning_implementation_that_is_not_async() =>
        await AnalyzeAsync<BlockingCallAnalyzer>(Implementation("{|TP0004:Thread.Sleep(10)|}; return Task.CompletedTask;", "Task"));

    [Theory]
    [InlineData("int x = await input; await Task.Delay(10);")]
    [InlineData("if (input.IsCompleted) { await Task.Yield(); }")]
    [InlineData("var o = new Outcome(); int x = o.Result; await Task.Yield();")]
    [InlineData("await Task.WhenAll(input, Task.Delay(1));")]
    [InlineData("await input.WaitAsync(TimeSpan.FromSeconds(1));")]
    [InlineData("await Task.Yield(); Console.WriteLine(input.Status);")]
    [InlineData("using var gate = new SemaphoreSlim(1); await gate.WaitAsync(); gate.Release();")]
    [InlineData("using var gate = new SemaphoreSlim(1); if (gate.Wait(0)) { gate.Release(); } await Task.Yield();")]
    public async Task Leaves_awaits_and_look_alikes_alone(string body) =>
        await AnalyzeAsync<BlockingCallAnalyzer>(Implementation(body));

    [Fact]
    public async Task Leaves_blocking_outside_critical_sections_and_in_synchronous_ones_alone() =>
        await AnalyzeAsync<BlockingCallAnalyzer>("""
            public partial class Worker
            {
                [CriticalSection]
                public partial void Run();
                private void RunCore() => Thread.Sleep(10);

                public async Task PlainAsync(Task<int> t) { int x = t.Result; await Task.Yield(); }
            }
            """);
}
