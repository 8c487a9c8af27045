using BenchmarkDotNet.Attributes;
using TaskProtection.Testing;

namespace TaskProtection.Benchmarks;

/// <summary>
/// A generated <c>[CriticalSection]</c> async method whose body completes synchronously, against the same body called
/// directly, while protection covers the session: the wrapper's whole cost, time and memory.
/// </summary>
[MemoryDiagnoser]
public class WrapperBenchmarks
{
    private readonly Transcoder _transcoder = new();
    private TaskProtectionManager _manager = null!;
    private CriticalSession _holder;

    [GlobalSetup]
    public void Setup()
    {
        _manager = new TaskProtectionManager(new InMemoryTaskProtectionClient(new ProtectionModel()), new TaskProtectionOptions(), CriticalSessionRegistry.Default);
        _manager.StartAsync().GetAwaiter().GetResult();
        _holder = CriticalSessionRegistry.Default.EnterAsync("holder").AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _holder.Dispose();
        _manager.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public ValueTask<int> Direct() => _transcoder.DirectAsync(3);

    [Benchmark]
    public ValueTask<int> Generated() => _transcoder.TranscodeAsync(3);
}

/// <summary>A critical section whose body completes synchronously, and the same body as a plain method.</summary>
public sealed partial class Transcoder
{
    private int _frames;

    [CriticalSection]
    public partial ValueTask<int> TranscodeAsync(int frames);

    public ValueTask<int> DirectAsync(int frames) => Body(frames);

    private ValueTask<int> TranscodeCoreAsync(int frames) => Body(frames);

    private ValueTask<int> Body(int frames)
    {
        _frames += frames;
        return new ValueTask<int>(_frames);
    }
}
