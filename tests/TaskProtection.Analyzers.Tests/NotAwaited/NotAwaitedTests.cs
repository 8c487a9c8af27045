using static TaskProtection.Analyzers.Tests.Verification;

namespace TaskProtection.Analyzers.Tests.NotAwaited;

public sealed class NotAwaitedTests
{
    private const string Worker = """
        public partial class Worker
        {
            [CriticalSection]
            public partial Task RunAsync();
            private Task RunCoreAsync() => Task.CompletedTask;

            [CriticalSection]
            public partial ValueTask<int> CountAsync();
            private ValueTask<int> CountCoreAsync() => new(1);

            public Task PlainAsync() => Task.CompletedTask;
        }

        """;

    [Theory]
    [InlineData("{|TP0001:w.RunAsync()|};")]
    [InlineData("_ = {|TP0001:w.RunAsync()|};")]
    [InlineData("var t = {|TP0001:w.RunAsync()|}; Console.WriteLine();")]
    [InlineData("{|TP0001:w.CountAsync()|};")]
    [InlineData("{|TP0001:w.RunAsync()|}.ConfigureAwait(false);")]
    [InlineData("Task.Run(() => {|TP0001:w.RunAsync()|});")]
    [InlineData("{|TP0001:w.RunAsync()|}.ContinueWith(_ => Console.WriteLine());")]
    [InlineData("Action a = async () => await {|TP0001:w.RunAsync()|};")]
    [InlineData("Task.WhenAll({|TP0001:w.RunAsync()|}, Task.CompletedTask);")]
    [InlineData("var t = {|TP0001:w.RunAsync()|}; var u = t;")]
    [InlineData("Task.Factory.StartNew(() => {|TP0001:w.RunAsync()|});")]
    [InlineData("System.Threading.ThreadPool.QueueUserWorkItem(async _ => await {|TP0001:w.RunAsync()|});")]
    public async Task Flags_a_dropped_critical_task(string statement) =>
        await AnalyzeAsync<NotAwaitedAnalyzer>(Worker + $$"""
            public static class Caller
            {
                public static void Use(Worker w)
                {
                    {{statement}}
                }
            }
            """);

    [Theory]
    [InlineData("await w.RunAsync();")]
    [InlineData("await w.RunAsync().ConfigureAwait(false);")]
    [InlineData("var t = w.RunAsync(); Console.WriteLine(); await t;")]
    [InlineData("await Task.WhenAll(w.RunAsync(), w.RunAsync());")]
    [InlineData("await Task.WhenAny(w.RunAsync(), Task.Delay(10));")]
    [InlineData("Pending = w.RunAsync();")]
    [InlineData("Track(w.RunAsync());")]
    [InlineData("await Task.Run(() => w.RunAsync());")]
    [InlineData("int n = await w.CountAsync();")]
    [InlineData("_ = w.PlainAsync();")]
    [InlineData("var t = w.RunAsync(); await t.WaitAsync(TimeSpan.FromSeconds(1));")]
    [InlineData("Task[] all = [w.RunAsync(), w.RunAsync()]; await Task.WhenAll(all);")]
    [InlineData("await Task.Factory.StartNew(() => w.RunAsync()).Unwrap();")]
    [InlineData("await Task.Run(async () => await w.RunAsync());")]
    public async Task Leaves_an_awaited_returned_or_kept_task_alone(string statement) =>
        await AnalyzeAsync<NotAwaitedAnalyzer>(Worker + $$"""
            public static class Caller
            {
                public static Task? Pending { get; set; }

                public static void Track(Task task) { }

                public static async Task UseAsync(Worker w)
                {
                    {{statement}}
                }

                public static Task Forward(Worker w) => w.RunAsync();
            }
            """);

    [Fact]
    public async Task Adds_await_to_every_dropped_call_in_async_code() =>
        await FixAsync<NotAwaitedAnalyzer, AddAwaitCodeFix>(
            Worker + """
            public static class Caller
            {
                public static async Task UseAsync(Worker w)
                {
                    {|TP0001:w.RunAsync()|};
                    _ = {|TP0001:w.CountAsync()|};
                    Func<Task> f = async () =>
                    {
                        {|TP0001:w.RunAsync()|};
                    };
                    await f();
                }
            }
            """,
            Worker + """
            public static class Caller
            {
                public static async Task UseAsync(Worker w)
                {
                    await w.RunAsync();
                    await w.CountAsync();
                    Func<Task> f = async () =>
                    {
                        await w.RunAsync();
                    };
                    await f();
                }
            }
            """);

    [Fact]
    public async Task Offers_no_await_where_the_function_is_not_async() =>
        await FixAsync<NotAwaitedAnalyzer, AddAwaitCodeFix>(
            Worker + """
            public static class Caller
            {
                public static void Use(Worker w)
                {
                    {|TP0001:w.RunAsync()|};
                }
            }
            """,
            Worker + """
            public static class Caller
            {
                public static void Use(Worker w)
                {
                    {|TP0001:w.RunAsync()|};
                }
            }
            """);

    [Fact]
    public async Task Flags_StartNew_of_an_async_lambda_even_when_awaited() =>
        await AnalyzeAsync<NotAwaitedAnalyzer>(Worker + """
            public static class Caller
            {
                public static async Task UseAsync(Worker w)
                {
                    await Task.Factory.StartNew(async () => await {|TP0001:w.RunAsync()|});
                }
            }
            """);

    [Fact]
    public async Task Flags_an_async_void_method_such_as_an_event_handler() =>
        await AnalyzeAsync<NotAwaitedAnalyzer>(Worker + """
            public sealed class Listener(Worker w)
            {
                public event EventHandler? Message;

                public void Wire() => Message += OnMessage;

                private async void OnMessage(object? sender, EventArgs e) => await {|TP0001:w.RunAsync()|};

                private async void Tick()
                {
                    Console.WriteLine();
                    await {|TP0001:w.RunAsync()|};
                }

                private async Task TickAsync() => await w.RunAsync();
            }
            """);

    [Fact]
    public async Task Makes_an_async_void_method_that_is_only_called_return_Task() =>
        await FixAsync<NotAwaitedAnalyzer, ReturnTaskFromAsyncVoidCodeFix>(
            Worker + """
            public sealed class Scheduler(Worker w)
            {
                public void Start() => Tick();

                private async void Tick()
                {
                    await {|TP0001:w.RunAsync()|};
                }
            }
            """,
            Worker + """
            public sealed class Scheduler(Worker w)
            {
                public void Start() => Tick();

                private async Task Tick()
                {
                    await w.RunAsync();
                }
            }
            """);

    [Fact]
    public async Task Keeps_void_where_an_event_or_delegate_requires_it() =>
        await FixAsync<NotAwaitedAnalyzer, ReturnTaskFromAsyncVoidCodeFix>(
            Worker + """
            public sealed class Listener(Worker w)
            {
                public event EventHandler? Message;

                public void Wire() => Message += OnMessage;

                private async void OnMessage(object? sender, EventArgs e)
                {
                    await {|TP0001:w.RunAsync()|};
                }
            }
            """,
            Worker + """
            public sealed class Listener(Worker w)
            {
                public event EventHandler? Message;

                public void Wire() => Message += OnMessage;

                private async void OnMessage(object? sender, EventArgs e)
                {
                    await {|TP0001:w.RunAsync()|};
                }
            }
            """);
}
