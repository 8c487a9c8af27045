using System.Runtime.CompilerServices;

namespace TaskProtection.Tests.CriticalSections;

/// <summary>What one implementation body saw when it started.</summary>
public sealed record BodyRun(string Body, string[] ActiveSessions, bool Protected);

/// <summary>Records what each implementation body saw, so tests can check it ran inside its session, protected.</summary>
public static class BodyProbe
{
    private static readonly AsyncLocal<Probe?> Current = new();

    public static Probe Start(Func<bool> isProtected) => Current.Value = new Probe(isProtected);

    /// <summary>Called first thing in every body.</summary>
    public static void Record(string body) => Current.Value?.Add(body);
}

public sealed class Probe(Func<bool> isProtected)
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<BodyRun> _runs = new();

    public IReadOnlyList<BodyRun> Runs => [.. _runs];

    public void Add(string body) =>
        _runs.Enqueue(new BodyRun(
            body,
            CriticalSessionRegistry.Default.GetActiveSessions().Select(static s => s.Name).ToArray(),
            isProtected()));
}

/// <summary>A type that meets every constraint <see cref="Transcoder.ProcessAsync{T, TKey}"/> asks for.</summary>
public sealed record Ticket
{
    public int Number { get; init; }
}

public sealed record Job(string Name, int Frames);

public partial class Transcoder
{
    [CriticalSection]
    public partial Task<int> TranscodeAsync(Job job, CancellationToken ct);

    private async Task<int> TranscodeCoreAsync(Job job, CancellationToken ct)
    {
        BodyProbe.Record(nameof(TranscodeAsync));
        await Task.Yield();
        ct.ThrowIfCancellationRequested();
        return job.Frames;
    }

    [CriticalSection("nightly-import")]
    public static partial Task ImportAsync(Func<Task> work);

    private static Task ImportCoreAsync(Func<Task> work)
    {
        BodyProbe.Record(nameof(ImportAsync));
        return work();
    }

    [CriticalSection]
    internal partial ValueTask FlushAsync(bool fail);

    private async ValueTask FlushCoreAsync(bool fail)
    {
        BodyProbe.Record(nameof(FlushAsync));
        await Task.Yield();
        if (fail)
        {
            throw new InvalidOperationException("flush failed");
        }
    }

    [CriticalSection]
    public partial ValueTask<string?> FindAsync(string? key, CancellationToken cancellationToken = default);

    private ValueTask<string?> FindCoreAsync(string? key, CancellationToken cancellationToken)
    {
        BodyProbe.Record(nameof(FindAsync));
        return ValueTask.FromResult(key is null ? null : key.ToUpperInvariant());
    }

    [CriticalSection]
    public partial void Checkpoint(string label);

    private void CheckpointCore(string label)
    {
        BodyProbe.Record(nameof(Checkpoint) + " " + label);
    }

    [CriticalSection]
    public partial (int Count, string Name) Describe(Job job);

    private (int Count, string Name) DescribeCore(Job job)
    {
        BodyProbe.Record(nameof(Describe));
        return (job.Frames, job.Name);
    }

    [CriticalSection]
    public partial Task<T> ProcessAsync<T, TKey>(T item, TKey key, CancellationToken ct)
        where T : class, IEquatable<T>, new()
        where TKey : struct;

    private async Task<T> ProcessCoreAsync<T, TKey>(T item, TKey key, CancellationToken ct)
        where T : class, IEquatable<T>, new()
        where TKey : struct
    {
        BodyProbe.Record(nameof(ProcessAsync) + " " + key);
        await Task.Yield();
        ct.ThrowIfCancellationRequested();
        return item;
    }

    [CriticalSection]
    public partial bool TryParse(string text, out int value, ref int attempts, in Job job, params int[] extra);

    private bool TryParseCore(string text, out int value, ref int attempts, in Job job, params int[] extra)
    {
        BodyProbe.Record(nameof(TryParse));
        attempts++;
        return int.TryParse(text, out value) && value + extra.Sum() < job.Frames;
    }

    [CriticalSection]
    public partial Task<int> SumAsync(in Job job, int factor = 2, params int[] values);

    // An async method cannot take 'in' parameters, so the implementation reads it and hands off.
    private Task<int> SumCoreAsync(in Job job, int factor, params int[] values)
    {
        BodyProbe.Record(nameof(SumAsync));
        return SumLaterAsync(job.Frames, factor, values);
    }

    private static async Task<int> SumLaterAsync(int frames, int factor, int[] values)
    {
        await Task.Yield();
        return (frames + values.Sum()) * factor;
    }

    [CriticalSection]
    public partial IAsyncEnumerable<int> ReadFramesAsync(Job job, [EnumeratorCancellation] CancellationToken ct = default);

    private async IAsyncEnumerable<int> ReadFramesCoreAsync(Job job, [EnumeratorCancellation] CancellationToken ct)
    {
        BodyProbe.Record(nameof(ReadFramesAsync));
        for (int frame = 0; frame < job.Frames; frame++)
        {
            await Task.Yield();
            ct.ThrowIfCancellationRequested();
            yield return frame;
        }
    }

    [CriticalSection]
    public partial IAsyncEnumerable<string> ReadLinesAsync(int count, CancellationToken ct);

    private async IAsyncEnumerable<string> ReadLinesCoreAsync(int count, [EnumeratorCancellation] CancellationToken ct)
    {
        BodyProbe.Record(nameof(ReadLinesAsync));
        for (int i = 0; i < count; i++)
        {
            await Task.Yield();
            ct.ThrowIfCancellationRequested();
            yield return $"line {i}";
        }
    }

    [CriticalSection]
    public partial IEnumerable<int> Frames(int count);

    private IEnumerable<int> FramesCore(int count)
    {
        BodyProbe.Record(nameof(Frames));
        for (int i = 0; i < count; i++)
        {
            yield return i;
        }
    }

    private readonly int[] _slots = new int[4];

    [CriticalSection]
    public partial ref int Slot(int index);

    private ref int SlotCore(int index)
    {
        BodyProbe.Record(nameof(Slot));
        return ref _slots[index];
    }

    [CriticalSection]
    public partial int CountZeros(ReadOnlySpan<byte> data);

    private int CountZerosCore(ReadOnlySpan<byte> data)
    {
        BodyProbe.Record(nameof(CountZeros));
        int zeros = 0;
        foreach (byte b in data)
        {
            zeros += b == 0 ? 1 : 0;
        }

        return zeros;
    }

    [CriticalSection]
    public partial Task<string> EchoAsync(string @event, int @class);

    // An instance declaration may use a static implementation.
    private static Task<string> EchoCoreAsync(string @event, int @class) => Task.FromResult(Describe(@event, @class));

    private static string Describe(string value, int number)
    {
        BodyProbe.Record(nameof(EchoAsync));
        return value + number;
    }
}

public partial class Repository<TKey>
    where TKey : notnull
{
    public partial class Shard<TValue>
    {
        private readonly Dictionary<TKey, TValue> _items = [];

        [CriticalSection]
        public partial Task<TValue?> LoadAsync(TKey key, Func<TKey, TValue> factory, CancellationToken ct);

        private async Task<TValue?> LoadCoreAsync(TKey key, Func<TKey, TValue> factory, CancellationToken ct)
        {
            BodyProbe.Record(nameof(LoadAsync));
            await Task.Yield();
            return _items.TryGetValue(key, out TValue? value) ? value : _items[key] = factory(key);
        }
    }
}

public partial struct Counter
{
    public int Value { get; private set; }

    [CriticalSection]
    public partial void Increment();

    private void IncrementCore()
    {
        BodyProbe.Record(nameof(Increment));
        Value++;
    }

    [CriticalSection]
    public readonly partial Task<int> ReadLaterAsync(CancellationToken ct);

    private readonly async Task<int> ReadLaterCoreAsync(CancellationToken ct)
    {
        BodyProbe.Record(nameof(ReadLaterAsync));
        await Task.Yield();
        ct.ThrowIfCancellationRequested();
        return Value;
    }
}

public readonly partial struct Frame(int index)
{
    [CriticalSection]
    public partial int Twice();

    private int TwiceCore()
    {
        BodyProbe.Record(nameof(Twice));
        return index * 2;
    }
}

public ref partial struct SpanCursor(Span<int> items)
{
    private readonly Span<int> _items = items;

    [CriticalSection]
    public partial int Sum();

    private readonly int SumCore()
    {
        BodyProbe.Record(nameof(Sum));
        int sum = 0;
        foreach (int item in _items)
        {
            sum += item;
        }

        return sum;
    }
}

public partial record Invoice(decimal Amount)
{
    [CriticalSection]
    public partial Task<decimal> SettleAsync(CancellationToken ct);

    private async Task<decimal> SettleCoreAsync(CancellationToken ct)
    {
        BodyProbe.Record(nameof(SettleAsync));
        await Task.Yield();
        ct.ThrowIfCancellationRequested();
        return Amount;
    }
}

public partial record struct Point(int X, int Y)
{
    [CriticalSection]
    public partial ValueTask<int> DistanceAsync();

    private readonly async ValueTask<int> DistanceCoreAsync()
    {
        BodyProbe.Record(nameof(DistanceAsync));
        await Task.Yield();
        return Math.Abs(X) + Math.Abs(Y);
    }
}

public static partial class JobExtensions
{
    [CriticalSection]
    public static partial Task<int> ArchiveAsync(this Job job, CancellationToken ct = default);

    private static async Task<int> ArchiveCoreAsync(Job job, CancellationToken ct)
    {
        BodyProbe.Record(nameof(ArchiveAsync));
        await Task.Yield();
        ct.ThrowIfCancellationRequested();
        return job.Frames;
    }
}

public abstract class Stage
{
    public abstract Task<T> PassAsync<T>(T item)
        where T : class, IEquatable<T>;
}

/// <summary>
/// Shapes the generator once wrote differently or writes at a boundary: more than eight arguments, the most arguments
/// passed one by one and one more, overloads, a generic override.
/// </summary>
public partial class Mixer : Stage
{
    [CriticalSection]
    public partial Task<int> MixAsync(int a, int b, int c, int d, int e, int f, int g, int h, int i, CancellationToken ct);

    private async Task<int> MixCoreAsync(int a, int b, int c, int d, int e, int f, int g, int h, int i, CancellationToken ct)
    {
        BodyProbe.Record(nameof(MixAsync));
        await Task.Yield();
        ct.ThrowIfCancellationRequested();
        return a + b + c + d + e + f + g + h + i;
    }

    /// <summary>The most arguments the runner takes one by one: <c>this</c> and five.</summary>
    [CriticalSection]
    public partial Task<string> JoinAsync(int a, int b, int c, int d, int e);

    private Task<string> JoinCoreAsync(int a, int b, int c, int d, int e)
    {
        BodyProbe.Record(nameof(JoinAsync));
        return Task.FromResult(string.Join(",", a, b, c, d, e));
    }

    /// <summary>One more than the runner takes one by one: the seven arguments travel as a value tuple.</summary>
    [CriticalSection]
    public static partial ValueTask<string> JoinAllAsync(int a, int b, int c, int d, int e, int f, int g);

    private static async ValueTask<string> JoinAllCoreAsync(int a, int b, int c, int d, int e, int f, int g)
    {
        BodyProbe.Record(nameof(JoinAllAsync));
        await Task.Yield();
        return string.Join(",", a, b, c, d, e, f, g);
    }

    [CriticalSection]
    public partial Task<int> ScaleAsync(int by);

    private Task<int> ScaleCoreAsync(int by)
    {
        BodyProbe.Record(nameof(ScaleAsync) + " instance");
        return Task.FromResult(by);
    }

    [CriticalSection]
    public static partial Task<int> ScaleAsync(Mixer mixer, int by);

    private static Task<int> ScaleCoreAsync(Mixer mixer, int by)
    {
        BodyProbe.Record(nameof(ScaleAsync) + " static");
        return Task.FromResult(-by);
    }

    [CriticalSection]
    public static partial Task ResetAsync();

    private static Task ResetCoreAsync()
    {
        BodyProbe.Record(nameof(ResetAsync));
        return Task.CompletedTask;
    }

    [CriticalSection]
    public override partial Task<T> PassAsync<T>(T item);

    private Task<T> PassCoreAsync<T>(T item)
        where T : class, IEquatable<T>
    {
        BodyProbe.Record(nameof(PassAsync));
        return Task.FromResult(item);
    }
}
