using static TaskProtection.Analyzers.Tests.Verification;

namespace TaskProtection.Analyzers.Tests.SessionNotEnded;

public sealed class SessionNotEndedTests
{
    [Theory]
    [InlineData("var s = {|TP0006:registry.Enter(\"x\")|};")]
    [InlineData("_ = {|TP0006:registry.Enter(\"x\")|};")]
    [InlineData("{|TP0006:registry.Enter(\"x\")|};")]
    [InlineData("{|TP0006:CriticalSessionRegistry.Default.Enter(\"x\")|};")]
    [InlineData("var s = {|TP0006:CriticalSessionRegistry.Default.Enter(\"x\")|};")]
    [InlineData("CriticalSession s = {|TP0006:registry.Enter(\"x\")|}; Console.WriteLine(s.Name); Console.WriteLine(s.IsActive ? s.Id : 0);")]
    [InlineData("var s = {|TP0006:registry.Enter(\"x\")|}; if (s != default) { Console.WriteLine(s.ToString()); }")]
    [InlineData("CriticalSession s; s = {|TP0006:registry.Enter(\"x\")|};")]
    [InlineData("IDisposable s = {|TP0006:registry.Enter(\"x\")|};")]
    [InlineData("Action a = () => {|TP0006:registry.Enter(\"x\")|};")]
    [InlineData("{|TP0006:registry.EnterAsync(\"x\")|};")]
    [InlineData("_ = {|TP0006:registry.EnterAsync(\"x\")|};")]
    [InlineData("_ = {|TP0006:registry.EnterAsync(\"x\")|}.ConfigureAwait(false);")]
    public async Task Flags_a_session_that_is_never_ended(string statement) =>
        await AnalyzeAsync<SessionNotEndedAnalyzer>($$"""
            public static class Caller
            {
                public static void Use(CriticalSessionRegistry registry)
                {
                    {{statement}}
                }
            }
            """);

    [Theory]
    [InlineData("var s = await {|TP0006:registry.EnterAsync(\"x\")|};")]
    [InlineData("_ = await {|TP0006:registry.EnterAsync(\"x\")|};")]
    [InlineData("await {|TP0006:registry.EnterAsync(\"x\")|};")]
    [InlineData("await {|TP0006:registry.EnterAsync(\"x\", CancellationToken.None)|}.ConfigureAwait(false);")]
    [InlineData("var s = await {|TP0006:registry.EnterAsync(\"x\")|}.ConfigureAwait(false);")]
    [InlineData("CriticalSession s = await {|TP0006:registry.EnterAsync(\"x\")|}.AsTask().ConfigureAwait(false);")]
    [InlineData("var s = await {|TP0006:CriticalSessionRegistry.Default.EnterAsync(\"x\")|};")]
    [InlineData("var s = await {|TP0006:registry.EnterAsync(\"x\")|}.AsTask().WaitAsync(TimeSpan.FromSeconds(1));")]
    [InlineData("Func<Task> f = async () => await {|TP0006:registry.EnterAsync(\"x\")|}; await f();")]
    public async Task Flags_an_awaited_session_that_is_never_ended(string statement) =>
        await AnalyzeAsync<SessionNotEndedAnalyzer>($$"""
            public static class Caller
            {
                public static async Task UseAsync(CriticalSessionRegistry registry)
                {
                    {{statement}}
                }
            }
            """);

    [Theory]
    [InlineData("using var s = registry.Enter(\"x\");")]
    [InlineData("using (registry.Enter(\"x\")) { }")]
    [InlineData("using (var s = registry.Enter(\"x\")) { }")]
    [InlineData("CriticalSession s; using (s = registry.Enter(\"x\")) { }")]
    [InlineData("await using var s = await registry.EnterAsync(\"x\");")]
    [InlineData("await using (await registry.EnterAsync(\"x\").ConfigureAwait(false)) { }")]
    [InlineData("using var s = await registry.EnterAsync(\"x\").ConfigureAwait(false);")]
    [InlineData("var s = registry.Enter(\"x\"); try { await Task.Yield(); } finally { s.Dispose(); }")]
    [InlineData("var s = await registry.EnterAsync(\"x\"); await s.DisposeAsync();")]
    [InlineData("var s = registry.Enter(\"x\"); ((IDisposable)s).Dispose();")]
    [InlineData("CriticalSession s; s = await registry.EnterAsync(\"x\"); using (s) { }")]
    [InlineData("CriticalSession s = default; try { s = registry.Enter(\"x\"); await Task.Yield(); } finally { s.Dispose(); }")]
    [InlineData("CriticalSession? s = registry.Enter(\"x\"); s.Value.Dispose();")]
    [InlineData("CriticalSession? s = registry.Enter(\"x\"); s?.Dispose();")]
    [InlineData("registry.Enter(\"x\").Dispose();")]
    [InlineData("Field = registry.Enter(\"x\");")]
    [InlineData("var s = registry.Enter(\"x\"); Field = s;")]
    [InlineData("Kept = await registry.EnterAsync(\"x\");")]
    [InlineData("var s = registry.Enter(\"x\"); Kept = s;")]
    [InlineData("var all = new CriticalSession[1]; all[0] = registry.Enter(\"x\");")]
    [InlineData("var s = registry.Enter(\"x\"); var all = new CriticalSession[1]; all[0] = s;")]
    [InlineData("CriticalSession[] all = [registry.Enter(\"a\"), registry.Enter(\"b\")]; Hand(all[0]);")]
    [InlineData("var list = new List<CriticalSession>(); list.Add(registry.Enter(\"x\"));")]
    [InlineData("var s = registry.Enter(\"x\"); var list = new List<CriticalSession>(); list.Add(s);")]
    [InlineData("Hand(registry.Enter(\"x\"));")]
    [InlineData("var s = await registry.EnterAsync(\"x\"); Hand(s);")]
    [InlineData("var s = registry.Enter(\"x\"); _ = new Holder(s);")]
    [InlineData("var s = registry.Enter(\"x\"); Action end = () => s.Dispose(); end();")]
    [InlineData("var s = registry.Enter(\"x\"); void End() => s.Dispose(); End();")]
    [InlineData("var s = registry.Enter(\"x\"); var t = s; t.Dispose();")]
    [InlineData("var pair = (registry.Enter(\"x\"), 1); pair.Item1.Dispose();")]
    [InlineData("var entering = registry.EnterAsync(\"x\"); (await entering).Dispose();")]
    [InlineData("object gate = new(); Monitor.Enter(gate); Monitor.Exit(gate);")]
    public async Task Leaves_an_ended_returned_or_handed_on_session_alone(string statement) =>
        await AnalyzeAsync<SessionNotEndedAnalyzer>($$"""
            public sealed record Holder(CriticalSession Session);

            public static class Caller
            {
                public static CriticalSession Field;

                public static CriticalSession Kept { get; set; }

                public static void Hand(CriticalSession session) => session.Dispose();

                public static async Task<CriticalSession> UseAsync(CriticalSessionRegistry registry)
                {
                    {{statement}}
                    return default;
                }
            }
            """);

    [Fact]
    public async Task Leaves_a_returned_or_out_session_alone() =>
        await AnalyzeAsync<SessionNotEndedAnalyzer>("""
            public static class Sessions
            {
                public static CriticalSession Begin(CriticalSessionRegistry registry) => registry.Enter("x");

                public static CriticalSession BeginNamed(CriticalSessionRegistry registry)
                {
                    CriticalSession session = registry.Enter("x");
                    return session;
                }

                public static async ValueTask<CriticalSession> BeginAsync(CriticalSessionRegistry registry)
                {
                    var session = await registry.EnterAsync("x");
                    return session;
                }

                public static bool TryBegin(CriticalSessionRegistry registry, out CriticalSession session)
                {
                    session = registry.Enter("x");
                    return true;
                }

                public static bool TryBeginLater(CriticalSessionRegistry registry, out CriticalSession session)
                {
                    var entered = registry.Enter("x");
                    session = entered;
                    return true;
                }

                public static IEnumerable<CriticalSession> Each(CriticalSessionRegistry registry)
                {
                    yield return registry.Enter("x");
                }

                private static readonly CriticalSession Held = CriticalSessionRegistry.Default.Enter("process");
            }
            """);

    /// <summary>
    /// As the Quartz integration does: the session is entered in one callback, kept in a dictionary keyed by the run,
    /// and ended in another. Storing it hands it on; nothing here is flagged.
    /// </summary>
    [Fact]
    public async Task Leaves_a_session_ended_in_another_callback_alone() =>
        await AnalyzeAsync<SessionNotEndedAnalyzer>("""
            public sealed class JobSessions(CriticalSessionRegistry registry)
            {
                private readonly Dictionary<string, CriticalSession> _sessions = new();
                private readonly Dictionary<string, object> _jobData = new();

                public async ValueTask BeginAsync(string run, CancellationToken cancellationToken)
                {
                    _sessions.Add(run, await registry.EnterAsync(run, cancellationToken).ConfigureAwait(false));
                }

                public void BeginInJobData(string run)
                {
                    CriticalSession session = registry.Enter(run);
                    _jobData[run] = session;
                }

                public async ValueTask BeginIndexedAsync(string run) => _sessions[run] = await registry.EnterAsync(run);

                public void End(string run)
                {
                    if (_sessions.Remove(run, out CriticalSession session))
                    {
                        session.Dispose();
                    }

                    if (_jobData.Remove(run, out object? data) && data is CriticalSession kept)
                    {
                        kept.Dispose();
                    }
                }
            }
            """);

    /// <summary>
    /// Any Dispose call on the local counts as ending it, even one that only some paths reach: telling whether every path
    /// does would take flow analysis that cannot see exceptions or callers, and a false warning costs more than a missed leak.
    /// </summary>
    [Fact]
    public async Task Counts_a_conditional_dispose_as_ending_the_session() =>
        await AnalyzeAsync<SessionNotEndedAnalyzer>("""
            public static class Caller
            {
                public static void Use(CriticalSessionRegistry registry, bool done)
                {
                    var session = registry.Enter("x");
                    if (done)
                    {
                        session.Dispose();
                    }
                }
            }
            """);

    [Fact]
    public async Task Ignores_Enter_methods_of_other_types() =>
        await AnalyzeAsync<SessionNotEndedAnalyzer>("""
            public sealed class Gate
            {
                public CriticalSession Enter(string name) => default;
            }

            public static class Caller
            {
                public static void Use(Gate gate)
                {
                    gate.Enter("x");
                    var s = gate.Enter("y");
                }
            }
            """);
}
