using static TaskProtection.Analyzers.Tests.Verification;

namespace TaskProtection.Analyzers.Tests.UnboundedLoop;

public sealed class UnboundedLoopTests
{
    private static string Implementation(string body) => $$"""
        public partial class Worker
        {
            private const bool Forever = true;
            private int _n;

            [CriticalSection]
            public partial Task RunAsync(CancellationToken ct);

            private async Task RunCoreAsync(CancellationToken ct)
            {
                await Task.Yield();
                {{body}}
            }

            private void Work() => _n++;
        }
        """;

    [Theory]
    [InlineData("{|TP0002:while|} (true) { Work(); }")]
    [InlineData("{|TP0002:for|} (;;) { Work(); }")]
    [InlineData("{|TP0002:do|} { Work(); } while (true);")]
    [InlineData("{|TP0002:while|} (Forever && 1 == 1) { Work(); }")]
    [InlineData("{|TP0002:while|} (true) { switch (_n) { case 1: break; } }")]
    [InlineData("{|TP0002:while|} (true) { foreach (var x in new[] { 1 }) { break; } }")]
    [InlineData("{|TP0002:while|} (true) { Func<int> f = () => { return 1; }; Work(); }")]
    [InlineData("void Spin() { {|TP0002:while|} (true) { Work(); } } Spin();")]
    [InlineData("Action spin = () => { {|TP0002:for|} (;;) { Work(); } }; spin();")]
    [InlineData("{|TP0002:while|} (true) { await Task.Delay(10); }")]
    [InlineData("{|TP0002:while|} (true) { try { await Task.Delay(10, ct); } catch (Exception) { Work(); } }")]
    [InlineData("{|TP0002:while|} (true) { try { ct.ThrowIfCancellationRequested(); Work(); } catch { } }")]
    [InlineData("{|TP0002:while|} (true) { try { await Task.Delay(10, ct); } catch (OperationCanceledException) { } }")]
    public async Task Flags_a_constant_true_loop_without_a_way_out(string body) =>
        await AnalyzeAsync<UnboundedLoopAnalyzer>(Implementation(body));

    [Theory]
    [InlineData("while (!ct.IsCancellationRequested) { Work(); }")]
    [InlineData("while (true) { if (_n > 3) break; Work(); }")]
    [InlineData("while (true) { ct.ThrowIfCancellationRequested(); Work(); }")]
    [InlineData("while (true) { await Task.Delay(10, ct); }")]
    [InlineData("while (true) { if (_n > 3) return; Work(); }")]
    [InlineData("while (true) { if (_n > 3) throw new InvalidOperationException(); Work(); }")]
    [InlineData("for (int i = 0; i < 10; i++) { Work(); }")]
    [InlineData("while (true) { if (_n > 3) goto done; Work(); } done: Work();")]
    [InlineData("while (true) { _n = _n > 3 ? throw new InvalidOperationException() : _n + 1; }")]
    [InlineData("while (true) { try { await Task.Delay(10, ct); } catch (InvalidOperationException) { Work(); } }")]
    [InlineData("while (true) { try { await Task.Delay(10, ct); } catch (Exception) when (!ct.IsCancellationRequested) { Work(); } }")]
    [InlineData("while (true) { try { await Task.Delay(10, ct); } catch (Exception) { Work(); throw; } }")]
    public async Task Leaves_a_loop_with_an_exit_alone(string body) =>
        await AnalyzeAsync<UnboundedLoopAnalyzer>(Implementation(body));

    [Fact]
    public async Task Leaves_loops_outside_critical_sections_alone() =>
        await AnalyzeAsync<UnboundedLoopAnalyzer>("""
            public partial class Service
            {
                private int _n;

                public void PumpCore() { while (true) { _n++; } }

                public void Pump() { for (;;) { _n++; } }
            }
            """);
}
