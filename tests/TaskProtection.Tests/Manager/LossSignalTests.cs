using Microsoft.Extensions.Logging.Testing;
using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>The ProtectionLost event and token: the token first, each handler on its own, nothing a handler does can stop them.</summary>
public sealed class LossSignalTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_throwing_handler_neither_stops_the_token_nor_the_other_handlers()
    {
        var logger = new FakeLogger();
        await using var h = new Harness(logger: logger);
        using CriticalSession session = h.Entered();
        CancellationToken token = h.Manager.ProtectionLostToken;
        bool secondRan = false;
        bool tokenCancelledWhenItRan = false;
        h.Manager.ProtectionLost += (_, _) => throw new InvalidOperationException("handler bug");
        h.Manager.ProtectionLost += (_, _) =>
        {
            secondRan = true;
            tokenCancelledWhenItRan = token.IsCancellationRequested;
        };
        h.Model.Enqueue(AgentFaultKind.TaskNotValid);

        h.AdvanceTo(TimeSpan.FromSeconds(300));

        Assert.True(token.IsCancellationRequested);
        Assert.True(secondRan);
        Assert.True(tokenCancelledWhenItRan, "The token must be cancelled before any handler runs.");
        FakeLogRecord failure = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 1034);
        Assert.Equal("handler bug", failure.Exception!.Message);
    }

    [Fact]
    public async Task A_throwing_token_callback_is_logged_and_the_handlers_still_run()
    {
        var logger = new FakeLogger();
        await using var h = new Harness(logger: logger);
        using CriticalSession session = h.Entered();
        using CancellationTokenRegistration registration = h.Manager.ProtectionLostToken.Register(() => throw new InvalidOperationException("callback bug"));
        bool handled = false;
        h.Manager.ProtectionLost += (_, _) => handled = true;
        h.Model.Enqueue(AgentFaultKind.DeploymentBlocked);

        h.AdvanceTo(TimeSpan.FromSeconds(300));

        Assert.True(handled);

        // Token callbacks run on the thread pool: wait (bounded) for the failure to be logged.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!logger.Collector.GetSnapshot().Any(r => r.Id.Id == 1035) && watch.Elapsed < Bound)
        {
            await Task.Yield();
        }

        FakeLogRecord failure = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 1035);
        Assert.Contains("callback bug", failure.Exception!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slow_handler_does_not_delay_the_token_or_the_other_handlers()
    {
        // Real threads and real HTTP: the handler really blocks a thread-pool thread until the test lets it go.
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync();
        agent.Model.Enqueue(AgentFaultKind.TaskNotValid);
        var registry = new CriticalSessionRegistry();
        using var http = new HttpClient();
        var options = new TaskProtectionOptions { AcquireTimeoutBehavior = AcquireTimeoutBehavior.Throw };
        await using var manager = new TaskProtectionManager(new EcsAgentClient(http, agent.AgentUri, options.RequestTimeout), options, registry);
        using var letGo = new ManualResetEventSlim();
        using var secondRan = new ManualResetEventSlim();
        CancellationToken token = manager.ProtectionLostToken;
        manager.ProtectionLost += (_, _) => letGo.Wait(TimeSpan.FromSeconds(30));
        manager.ProtectionLost += (_, _) => secondRan.Set();
        await manager.StartAsync();
        try
        {
            await Assert.ThrowsAsync<TaskProtectionException>(() => registry.EnterAsync("job").AsTask().WaitAsync(Bound));
            Assert.True(token.IsCancellationRequested, "The refusal reached the session before the token was cancelled.");
            Assert.True(secondRan.Wait(Bound), "The second handler waited for the slow one.");
        }
        finally
        {
            letGo.Set();
        }
    }

    [Fact]
    public async Task A_token_handed_out_before_a_reset_stays_usable()
    {
        await using var h = new Harness(new TaskProtectionOptions { AcquireTimeoutBehavior = AcquireTimeoutBehavior.Throw });
        CancellationToken first = h.Manager.ProtectionLostToken;
        h.Model.Enqueue(AgentFaultKind.DeploymentBlocked);
        await Assert.ThrowsAsync<TaskProtectionException>(() => h.EnterAsync("refused"));

        // Idle: a fresh token is issued. The old one must still work in full, as tokens do.
        h.Advance(TimeSpan.FromMinutes(2));
        Assert.False(h.Manager.ProtectionLostToken.IsCancellationRequested);
        Assert.True(first.WaitHandle.WaitOne(0));
        bool ran = false;
        using CancellationTokenRegistration late = first.Register(() => ran = true);
        Assert.True(ran);
    }

    [Fact]
    public void A_caller_that_finds_another_thread_telling_returns_only_once_it_has_told()
    {
        // Real threads. The thread that claims the epoch is held while it posts the handler (the scheduler blocks it there):
        // a session going ahead meanwhile finds the epoch claimed, and must not return (and start its body) until the
        // application has been told, for "claimed" is not "told".
        using var posting = new BlockingScheduler();
        using var dispatcher = new LoopDispatcher(posting, TimeProvider.System);
        var signal = new LossSignal(dispatcher, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, () => false);
        signal.Lost += (_, _) => { };
        var teller = new Thread(() => signal.TryRaise(this, ProtectionLossReason.Refused, "the loop tells", null, []));
        teller.Start();
        Assert.True(posting.Entered.Wait(Bound), "The teller never posted its handler.");

        bool? secondRaised = null;
        var goingAhead = new Thread(() => secondRaised = signal.TryRaise(this, ProtectionLossReason.Refused, "a session goes ahead", null, []));
        goingAhead.Start();
        bool returnedWhileTelling = goingAhead.Join(TimeSpan.FromMilliseconds(100));
        posting.Release();

        Assert.True(goingAhead.Join(Bound) && teller.Join(Bound));
        Assert.False(returnedWhileTelling, "TryRaise returned while another thread was still telling: the session's body could start untold.");
        Assert.False(secondRaised);
        Assert.True(signal.Token.IsCancellationRequested);
    }

    /// <summary>A scheduler that holds the thread queueing the first task until released: a teller stalled half-way.</summary>
    private sealed class BlockingScheduler : TaskScheduler, IDisposable
    {
        private readonly ManualResetEventSlim _release = new();

        public ManualResetEventSlim Entered { get; } = new();

        public void Release() => _release.Set();

        public void Dispose()
        {
            _release.Set();
            _release.Dispose();
            Entered.Dispose();
        }

        protected override void QueueTask(Task task)
        {
            Entered.Set();
            _release.Wait(Bound);
            ThreadPool.UnsafeQueueUserWorkItem(static t => t.Scheduler.RunTask(t.Task), (Scheduler: this, Task: task), preferLocal: false);
        }

        protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

        protected override IEnumerable<Task> GetScheduledTasks() => [];

        private void RunTask(Task task) => TryExecuteTask(task);
    }
}
