using System.Runtime.CompilerServices;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.CriticalSections;

/// <summary>
/// The generated wrappers, compiled by the real build (warnings as errors) and run against
/// <see cref="CriticalSessionRegistry.Default"/> with a manager on the in-memory agent.
/// </summary>
[Collection(DefaultRegistryGroup.Name)]
public sealed class GeneratedWrapperTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly Job Job = new("intro.mp4", 3);
    private static CriticalSessionRegistry Registry => CriticalSessionRegistry.Default;

    private static Harness NewHarness() => new(new TaskProtectionOptions { ReleaseDelay = TimeSpan.Zero }, registry: Registry);

    [Fact]
    public async Task Every_shape_runs_its_body_inside_its_own_session_and_ends_it()
    {
        await Task.Run(async () =>
        {
            await using Harness h = NewHarness();
            using CriticalSession holder = h.Entered("holder");
            Probe probe = BodyProbe.Start(() => h.Model.IsProtected);
            var transcoder = new Transcoder();

            Assert.Equal(3, await transcoder.TranscodeAsync(Job, CancellationToken.None).WaitAsync(Bound));
            await Transcoder.ImportAsync(() => Task.CompletedTask).WaitAsync(Bound);
            await transcoder.FlushAsync(fail: false).AsTask().WaitAsync(Bound);
            Assert.Equal("KEY", await transcoder.FindAsync("key").AsTask().WaitAsync(Bound));
            Assert.Null(await transcoder.FindAsync(null).AsTask().WaitAsync(Bound));
            transcoder.Checkpoint("a");
            Assert.Equal((3, "intro.mp4"), transcoder.Describe(Job));

            var ticket = new Ticket { Number = 7 };
            Assert.Same(ticket, await transcoder.ProcessAsync(ticket, 42, CancellationToken.None).WaitAsync(Bound));

            int attempts = 0;
            Assert.True(transcoder.TryParse("1", out int parsed, ref attempts, Job, 1));
            Assert.Equal((1, 1), (parsed, attempts));
            Assert.False(transcoder.TryParse("x", out _, ref attempts, Job));
            Assert.Equal(2, attempts);

            Assert.Equal((3 + 6) * 2, await transcoder.SumAsync(Job, values: [1, 2, 3]).WaitAsync(Bound));
            Assert.Equal(3 * 5, await transcoder.SumAsync(Job, 5).WaitAsync(Bound));

            transcoder.Slot(2) = 9;
            Assert.Equal(9, transcoder.Slot(2));
            Assert.Equal(2, transcoder.CountZeros([0, 1, 0, 2]));
            Assert.Equal("a1", await transcoder.EchoAsync("a", 1).WaitAsync(Bound));

            Assert.Equal(5, await new Repository<string>.Shard<int>().LoadAsync("k", static _ => 5, CancellationToken.None).WaitAsync(Bound));

            var counter = new Counter();
            counter.Increment();
            counter.Increment();
            Assert.Equal(2, counter.Value);
            Assert.Equal(2, await counter.ReadLaterAsync(CancellationToken.None).WaitAsync(Bound));
            Assert.Equal(8, new Frame(4).Twice());
            Span<int> numbers = [1, 2, 3];
            Assert.Equal(6, new SpanCursor(numbers).Sum());
            Assert.Equal(12.5m, await new Invoice(12.5m).SettleAsync(CancellationToken.None).WaitAsync(Bound));
            Assert.Equal(7, await new Point(3, -4).DistanceAsync().AsTask().WaitAsync(Bound));
            Assert.Equal(3, await Job.ArchiveAsync().WaitAsync(Bound));

            var mixer = new Mixer();
            Assert.Equal(45, await mixer.MixAsync(1, 2, 3, 4, 5, 6, 7, 8, 9, CancellationToken.None).WaitAsync(Bound));
            Assert.Equal("1,2,3,4,5", await mixer.JoinAsync(1, 2, 3, 4, 5).WaitAsync(Bound));
            Assert.Equal("1,2,3,4,5,6,7", await Mixer.JoinAllAsync(1, 2, 3, 4, 5, 6, 7).AsTask().WaitAsync(Bound));
            Assert.Equal(4, await mixer.ScaleAsync(4).WaitAsync(Bound));
            Assert.Equal(-4, await Mixer.ScaleAsync(mixer, 4).WaitAsync(Bound));
            Assert.Same(ticket, await ((Stage)mixer).PassAsync(ticket).WaitAsync(Bound));
            await Mixer.ResetAsync().WaitAsync(Bound);

            Assert.Equal([0, 1, 2], await Collect(transcoder.ReadFramesAsync(Job)));
            Assert.Equal(["line 0", "line 1"], await Collect(transcoder.ReadLinesAsync(2, CancellationToken.None)));
            Assert.Equal([0, 1], transcoder.Frames(2).ToArray());

            string[] expected =
            [
                "Transcoder.TranscodeAsync", "nightly-import", "Transcoder.FlushAsync", "Transcoder.FindAsync", "Transcoder.FindAsync",
                "Transcoder.Checkpoint", "Transcoder.Describe", "Transcoder.ProcessAsync", "Transcoder.TryParse", "Transcoder.TryParse",
                "Transcoder.SumAsync", "Transcoder.SumAsync", "Transcoder.Slot", "Transcoder.Slot", "Transcoder.CountZeros", "Transcoder.EchoAsync",
                "Repository.Shard.LoadAsync", "Counter.Increment", "Counter.Increment", "Counter.ReadLaterAsync", "Frame.Twice", "SpanCursor.Sum",
                "Invoice.SettleAsync", "Point.DistanceAsync", "JobExtensions.ArchiveAsync", "Mixer.MixAsync", "Mixer.JoinAsync", "Mixer.JoinAllAsync", "Mixer.ScaleAsync", "Mixer.ScaleAsync",
                "Mixer.PassAsync", "Mixer.ResetAsync", "Transcoder.ReadFramesAsync", "Transcoder.ReadLinesAsync", "Transcoder.Frames",
            ];
            IReadOnlyList<BodyRun> runs = probe.Runs;
            Assert.Equal(expected.Length, runs.Count);
            for (int i = 0; i < expected.Length; i++)
            {
                // Each body saw exactly the holder and its own session, and the task protected.
                Assert.Equal(["holder", expected[i]], runs[i].ActiveSessions);
                Assert.True(runs[i].Protected, $"{runs[i].Body} ran unprotected.");
            }

            Assert.Equal(1, Registry.ActiveCount);
        });
    }

    [Fact]
    public async Task An_awaitable_body_does_not_start_before_protection_is_confirmed()
    {
        await Task.Run(async () =>
        {
            await using Harness h = NewHarness();
            Probe probe = BodyProbe.Start(() => h.Model.IsProtected);

            Task<int> call = new Transcoder().TranscodeAsync(Job, CancellationToken.None);

            Assert.Empty(probe.Runs);
            Assert.Equal(1, Registry.ActiveCount);
            Assert.False(h.Model.IsProtected);

            h.Pump();
            Assert.Equal(3, await call.WaitAsync(Bound));
            BodyRun run = Assert.Single(probe.Runs);
            Assert.True(run.Protected);
            Assert.Equal(["Transcoder.TranscodeAsync"], run.ActiveSessions);
            Assert.Equal(0, Registry.ActiveCount);
        });
    }

    [Fact]
    public async Task Results_and_exceptions_pass_through_unchanged_and_the_session_ends()
    {
        await Task.Run(async () =>
        {
            await using Harness h = NewHarness();
            using CriticalSession holder = h.Entered("holder");

            // A completed task comes back as the very same object: no wrapper allocation on the fast path.
            Task completed = Task.CompletedTask;
            Assert.Same(completed, Transcoder.ImportAsync(() => completed));

            var thrownSynchronously = new InvalidOperationException("sync");
#pragma warning disable TP0001 // the call throws before it returns a task: there is nothing to await
            Assert.Same(thrownSynchronously, Assert.Throws<InvalidOperationException>(() => { _ = Transcoder.ImportAsync(() => throw thrownSynchronously); }));
#pragma warning restore TP0001
            Assert.Equal(1, Registry.ActiveCount);

            var faulted = new TimeoutException("faulted");
            Assert.Same(faulted, await Assert.ThrowsAsync<TimeoutException>(() => Transcoder.ImportAsync(() => Task.FromException(faulted))));

            var late = new ArgumentException("late");
            Task lateCall = Transcoder.ImportAsync(async () =>
            {
                await Task.Yield();
                throw late;
            });
            Assert.Same(late, await Assert.ThrowsAsync<ArgumentException>(() => lateCall.WaitAsync(Bound)));
            Assert.Equal(1, Registry.ActiveCount);

            InvalidOperationException flush = await Assert.ThrowsAsync<InvalidOperationException>(() => new Transcoder().FlushAsync(fail: true).AsTask().WaitAsync(Bound));
            Assert.Equal("flush failed", flush.Message);
            Assert.Equal(1, Registry.ActiveCount);
        });
    }

    [Fact]
    public async Task Cancellation_before_or_during_the_wait_for_protection_ends_the_session_and_skips_the_body()
    {
        await Task.Run(async () =>
        {
            await using Harness h = NewHarness();
            Probe probe = BodyProbe.Start(() => h.Model.IsProtected);
            var transcoder = new Transcoder();

            Task<int> cancelledFirst = transcoder.TranscodeAsync(Job, new CancellationToken(canceled: true));
            Assert.True(cancelledFirst.IsCanceled);
            Assert.Equal(0, Registry.ActiveCount);

            using var cts = new CancellationTokenSource();
            Task<int> waiting = transcoder.TranscodeAsync(Job, cts.Token);
            Assert.Equal(1, Registry.ActiveCount);
            await cts.CancelAsync();
            h.Pump();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Bound));
            Assert.True(waiting.IsCanceled);
            Assert.Equal(0, Registry.ActiveCount);
            Assert.Empty(probe.Runs);
        });
    }

    [Fact]
    public async Task Cancellation_inside_the_body_ends_the_session()
    {
        await Task.Run(async () =>
        {
            await using Harness h = NewHarness();
            using CriticalSession holder = h.Entered("holder");
            using var cts = new CancellationTokenSource();

            Task call = Transcoder.ImportAsync(() => Task.Delay(Timeout.InfiniteTimeSpan, cts.Token));
            Assert.Equal(2, Registry.ActiveCount);
            await cts.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Bound));
            Assert.True(call.IsCanceled);
            Assert.Equal(1, Registry.ActiveCount);
        });
    }

    [Fact]
    public async Task An_async_enumeration_holds_its_session_until_the_enumerator_is_disposed()
    {
        await Task.Run(async () =>
        {
            await using Harness h = NewHarness();
            using CriticalSession holder = h.Entered("holder");
            var transcoder = new Transcoder();

            IAsyncEnumerable<int> frames = transcoder.ReadFramesAsync(Job);
            Assert.Equal(1, Registry.ActiveCount); // nothing runs before enumeration starts

            await using (IAsyncEnumerator<int> enumerator = frames.GetAsyncEnumerator())
            {
                Assert.True(await enumerator.MoveNextAsync().AsTask().WaitAsync(Bound));
                Assert.Equal(2, Registry.ActiveCount);
                Assert.True(await enumerator.MoveNextAsync().AsTask().WaitAsync(Bound));
                Assert.Equal(2, Registry.ActiveCount); // stopped early: the session stays open until disposal
            }

            Assert.Equal(1, Registry.ActiveCount);
        });
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_enumerator_token_reaches_the_body_whether_or_not_the_declaration_marks_it(bool declared)
    {
        await Task.Run(async () =>
        {
            await using Harness h = NewHarness();
            using CriticalSession holder = h.Entered("holder");
            var transcoder = new Transcoder();
            using var cts = new CancellationTokenSource();
            int seen = 0;

            Task enumerate = declared
                ? Consume(transcoder.ReadFramesAsync(new Job("long", int.MaxValue)).WithCancellation(cts.Token))
                : Consume(transcoder.ReadLinesAsync(int.MaxValue, CancellationToken.None).WithCancellation(cts.Token));


            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => enumerate.WaitAsync(Bound));
            Assert.Equal(3, seen);
            Assert.Equal(1, Registry.ActiveCount);

            async Task Consume<T>(ConfiguredCancelableAsyncEnumerable<T> items)
            {
                await foreach (T _ in items)
                {
                    if (++seen == 3)
                    {
                        await cts.CancelAsync();
                    }
                }
            }
        });
    }

    [Fact]
    public void A_synchronous_enumeration_holds_its_session_from_first_move_to_disposal()
    {
        using var h = new SyncHarness();
        var transcoder = new Transcoder();

        IEnumerable<int> frames = transcoder.Frames(3);
        Assert.Equal(0, Registry.ActiveCount);
        using (IEnumerator<int> enumerator = frames.GetEnumerator())
        {
            Assert.True(enumerator.MoveNext());
            Assert.Equal(1, Registry.ActiveCount);
        }

        Assert.Equal(0, Registry.ActiveCount);
    }

    [Fact]
    public void A_synchronous_body_that_throws_ends_its_session()
    {
        using var h = new SyncHarness();
        var transcoder = new Transcoder();

        Assert.Throws<IndexOutOfRangeException>(() => transcoder.Slot(99));
        Assert.Equal(0, Registry.ActiveCount);
    }

    [Fact]
    public async Task A_generated_async_method_that_completes_synchronously_allocates_nothing_while_protection_covers_it()
    {
        await Task.Run(async () =>
        {
            await using Harness h = NewHarness();
            using CriticalSession holder = h.Entered("holder");
            Func<Task> completed = static () => Task.CompletedTask;
            var transcoder = new Transcoder();
            for (int i = 0; i < 100; i++)
            {
#pragma warning disable TP0001 // warm-up calls that complete synchronously
                _ = Transcoder.ImportAsync(completed);
                _ = transcoder.FindAsync(null);
#pragma warning restore TP0001
                _ = new Frame(i).Twice();
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10_000; i++)
            {
                Task import = Transcoder.ImportAsync(completed);
                ValueTask<string?> find = transcoder.FindAsync(null);
                int twice = new Frame(i).Twice();
                Assert.True(import.IsCompletedSuccessfully && find.IsCompletedSuccessfully && twice == 2 * i);
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(1, Registry.ActiveCount);
        });
    }

    private static async Task<List<T>> Collect<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (T item in items.WithCancellation(CancellationToken.None))
        {
            list.Add(item);
        }

        return list;
    }

    /// <summary>For tests of synchronous shapes: no manager needed, only a clean default registry before and after.</summary>
    private sealed class SyncHarness : IDisposable
    {
        public SyncHarness() => Assert.Equal(0, Registry.ActiveCount);

        public void Dispose() => Assert.Equal(0, Registry.ActiveCount);
    }
}

/// <summary>Tests that use <see cref="CriticalSessionRegistry.Default"/> run alone: it is shared by the whole process.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DefaultRegistryGroup
{
    public const string Name = "Default registry";
}
