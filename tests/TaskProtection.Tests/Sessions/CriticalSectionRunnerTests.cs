using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Sessions;

/// <summary>
/// Every overload of <see cref="CriticalSectionRunner"/> that the generated wrappers call, called directly: the arguments
/// reach the body in order, the body runs inside its own session while the agent's record shows the task protected,
/// the session ends with the work, and nothing starts before protection is confirmed.
/// </summary>
public sealed class CriticalSectionRunnerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>One call per overload: the shape and argument count, and the call, which returns what the body saw.</summary>
    private static IEnumerable<(string Overload, Func<CriticalSessionRegistry, Body, Task<string>> Call)> Calls()
    {
        const string S = "runner";
        CancellationToken ct = CancellationToken.None;
        yield return ("Task/1", (r, b) => Done(b, CriticalSectionRunner.RunTask(r, S, 1, x => b.Ran(x), ct)));
        yield return ("Task/2", (r, b) => Done(b, CriticalSectionRunner.RunTask(r, S, 1, 2, (x, y) => b.Ran(x, y), ct)));
        yield return ("Task/3", (r, b) => Done(b, CriticalSectionRunner.RunTask(r, S, 1, 2, 3, (x, y, z) => b.Ran(x, y, z), ct)));
        yield return ("Task/4", (r, b) => Done(b, CriticalSectionRunner.RunTask(r, S, 1, 2, 3, 4, (x, y, z, w) => b.Ran(x, y, z, w), ct)));
        yield return ("Task/5", (r, b) => Done(b, CriticalSectionRunner.RunTask(r, S, 1, 2, 3, 4, 5, (x, y, z, w, v) => b.Ran(x, y, z, w, v), ct)));
        yield return ("Task/6", (r, b) => Done(b, CriticalSectionRunner.RunTask(r, S, 1, 2, 3, 4, 5, 6, (x, y, z, w, v, u) => b.Ran(x, y, z, w, v, u), ct)));
        yield return ("Task<T>/1", (r, b) => CriticalSectionRunner.RunTaskOfT(r, S, 1, x => b.Ran(x), ct));
        yield return ("Task<T>/2", (r, b) => CriticalSectionRunner.RunTaskOfT(r, S, 1, 2, (x, y) => b.Ran(x, y), ct));
        yield return ("Task<T>/3", (r, b) => CriticalSectionRunner.RunTaskOfT(r, S, 1, 2, 3, (x, y, z) => b.Ran(x, y, z), ct));
        yield return ("Task<T>/4", (r, b) => CriticalSectionRunner.RunTaskOfT(r, S, 1, 2, 3, 4, (x, y, z, w) => b.Ran(x, y, z, w), ct));
        yield return ("Task<T>/5", (r, b) => CriticalSectionRunner.RunTaskOfT(r, S, 1, 2, 3, 4, 5, (x, y, z, w, v) => b.Ran(x, y, z, w, v), ct));
        yield return ("Task<T>/6", (r, b) => CriticalSectionRunner.RunTaskOfT(r, S, 1, 2, 3, 4, 5, 6, (x, y, z, w, v, u) => b.Ran(x, y, z, w, v, u), ct));
        yield return ("ValueTask/1", (r, b) => Done(b, CriticalSectionRunner.RunValueTask(r, S, 1, x => new ValueTask(b.Ran(x)), ct)));
        yield return ("ValueTask/2", (r, b) => Done(b, CriticalSectionRunner.RunValueTask(r, S, 1, 2, (x, y) => new ValueTask(b.Ran(x, y)), ct)));
        yield return ("ValueTask/3", (r, b) => Done(b, CriticalSectionRunner.RunValueTask(r, S, 1, 2, 3, (x, y, z) => new ValueTask(b.Ran(x, y, z)), ct)));
        yield return ("ValueTask/4", (r, b) => Done(b, CriticalSectionRunner.RunValueTask(r, S, 1, 2, 3, 4, (x, y, z, w) => new ValueTask(b.Ran(x, y, z, w)), ct)));
        yield return ("ValueTask/5", (r, b) => Done(b, CriticalSectionRunner.RunValueTask(r, S, 1, 2, 3, 4, 5, (x, y, z, w, v) => new ValueTask(b.Ran(x, y, z, w, v)), ct)));
        yield return ("ValueTask/6", (r, b) => Done(b, CriticalSectionRunner.RunValueTask(r, S, 1, 2, 3, 4, 5, 6, (x, y, z, w, v, u) => new ValueTask(b.Ran(x, y, z, w, v, u)), ct)));
        yield return ("ValueTask<T>/1", (r, b) => CriticalSectionRunner.RunValueTaskOfT(r, S, 1, x => new ValueTask<string>(b.Ran(x)), ct).AsTask());
        yield return ("ValueTask<T>/2", (r, b) => CriticalSectionRunner.RunValueTaskOfT(r, S, 1, 2, (x, y) => new ValueTask<string>(b.Ran(x, y)), ct).AsTask());
        yield return ("ValueTask<T>/3", (r, b) => CriticalSectionRunner.RunValueTaskOfT(r, S, 1, 2, 3, (x, y, z) => new ValueTask<string>(b.Ran(x, y, z)), ct).AsTask());
        yield return ("ValueTask<T>/4", (r, b) => CriticalSectionRunner.RunValueTaskOfT(r, S, 1, 2, 3, 4, (x, y, z, w) => new ValueTask<string>(b.Ran(x, y, z, w)), ct).AsTask());
        yield return ("ValueTask<T>/5", (r, b) => CriticalSectionRunner.RunValueTaskOfT(r, S, 1, 2, 3, 4, 5, (x, y, z, w, v) => new ValueTask<string>(b.Ran(x, y, z, w, v)), ct).AsTask());
        yield return ("ValueTask<T>/6", (r, b) => CriticalSectionRunner.RunValueTaskOfT(r, S, 1, 2, 3, 4, 5, 6, (x, y, z, w, v, u) => new ValueTask<string>(b.Ran(x, y, z, w, v, u)), ct).AsTask());
    }

    public static TheoryData<string> Overloads() => [.. Calls().Select(static c => c.Overload)];

    [Theory]
    [MemberData(nameof(Overloads))]
    public async Task Each_overload_passes_its_arguments_in_order_to_a_body_that_runs_protected_in_its_own_session(string overload)
    {
        await Task.Run(async () =>
        {
            await using var h = new Harness(new TaskProtectionOptions { ReleaseDelay = TimeSpan.Zero });
            using CriticalSession holder = h.Entered("holder");
            var body = new Body(h);

            string seen = await Call(overload)(h.Registry, body).WaitAsync(Bound);

            Assert.Equal(string.Join(",", Enumerable.Range(1, Arity(overload))), seen);
            Assert.Equal(["holder", "runner"], body.ActiveSessions!);
            Assert.True(body.Protected, $"{overload}: the body ran while the agent held no protection.");
            Assert.Equal(1, h.Registry.ActiveCount);
        });
    }

    [Theory]
    [MemberData(nameof(Overloads))]
    public async Task Each_overload_starts_its_body_only_once_protection_is_confirmed_and_ends_the_session_after_it(string overload)
    {
        await Task.Run(async () =>
        {
            await using var h = new Harness(new TaskProtectionOptions { ReleaseDelay = TimeSpan.Zero });
            var body = new Body(h);

            Task<string> call = Call(overload)(h.Registry, body);

            Assert.Null(body.ActiveSessions);
            Assert.Equal(1, h.Registry.ActiveCount);
            Assert.False(h.Model.IsProtected);
            h.Pump();
            await call.WaitAsync(Bound);
            Assert.True(body.Protected, $"{overload}: the body ran while the agent held no protection.");
            Assert.Equal(0, h.Registry.ActiveCount);
        });
    }

    [Fact]
    public void Each_overload_refuses_a_missing_body_before_entering_a_session()
    {
        var registry = new CriticalSessionRegistry();
        CancellationToken ct = CancellationToken.None;
        Action[] calls =
        [
            () => CriticalSectionRunner.RunTask(registry, "s", 1, null!, ct),
            () => CriticalSectionRunner.RunTask<int, int>(registry, "s", 1, 2, null!, ct),
            () => CriticalSectionRunner.RunTask<int, int, int>(registry, "s", 1, 2, 3, null!, ct),
            () => CriticalSectionRunner.RunTask<int, int, int, int>(registry, "s", 1, 2, 3, 4, null!, ct),
            () => CriticalSectionRunner.RunTask<int, int, int, int, int>(registry, "s", 1, 2, 3, 4, 5, null!, ct),
            () => CriticalSectionRunner.RunTask<int, int, int, int, int, int>(registry, "s", 1, 2, 3, 4, 5, 6, null!, ct),
            () => CriticalSectionRunner.RunTaskOfT<int, int>(registry, "s", 1, null!, ct),
            () => CriticalSectionRunner.RunTaskOfT<int, int, int>(registry, "s", 1, 2, null!, ct),
            () => CriticalSectionRunner.RunTaskOfT<int, int, int, int>(registry, "s", 1, 2, 3, null!, ct),
            () => CriticalSectionRunner.RunTaskOfT<int, int, int, int, int>(registry, "s", 1, 2, 3, 4, null!, ct),
            () => CriticalSectionRunner.RunTaskOfT<int, int, int, int, int, int>(registry, "s", 1, 2, 3, 4, 5, null!, ct),
            () => CriticalSectionRunner.RunTaskOfT<int, int, int, int, int, int, int>(registry, "s", 1, 2, 3, 4, 5, 6, null!, ct),
            () => CriticalSectionRunner.RunValueTask(registry, "s", 1, null!, ct),
            () => CriticalSectionRunner.RunValueTask<int, int>(registry, "s", 1, 2, null!, ct),
            () => CriticalSectionRunner.RunValueTask<int, int, int>(registry, "s", 1, 2, 3, null!, ct),
            () => CriticalSectionRunner.RunValueTask<int, int, int, int>(registry, "s", 1, 2, 3, 4, null!, ct),
            () => CriticalSectionRunner.RunValueTask<int, int, int, int, int>(registry, "s", 1, 2, 3, 4, 5, null!, ct),
            () => CriticalSectionRunner.RunValueTask<int, int, int, int, int, int>(registry, "s", 1, 2, 3, 4, 5, 6, null!, ct),
            () => CriticalSectionRunner.RunValueTaskOfT<int, int>(registry, "s", 1, null!, ct),
            () => CriticalSectionRunner.RunValueTaskOfT<int, int, int>(registry, "s", 1, 2, null!, ct),
            () => CriticalSectionRunner.RunValueTaskOfT<int, int, int, int>(registry, "s", 1, 2, 3, null!, ct),
            () => CriticalSectionRunner.RunValueTaskOfT<int, int, int, int, int>(registry, "s", 1, 2, 3, 4, null!, ct),
            () => CriticalSectionRunner.RunValueTaskOfT<int, int, int, int, int, int>(registry, "s", 1, 2, 3, 4, 5, null!, ct),
            () => CriticalSectionRunner.RunValueTaskOfT<int, int, int, int, int, int, int>(registry, "s", 1, 2, 3, 4, 5, 6, null!, ct),
        ];

        Assert.Equal(Calls().Count(), calls.Length);
        foreach (Action call in calls)
        {
            Assert.Equal("body", Assert.Throws<ArgumentNullException>(call).ParamName);
        }

        Assert.Equal(0, registry.ActiveCount);
    }

    private static Func<CriticalSessionRegistry, Body, Task<string>> Call(string overload) =>
        Calls().Single(c => c.Overload == overload).Call;

    private static int Arity(string overload) => int.Parse(overload[(overload.IndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string> Done(Body body, Task work)
    {
        await work;
        return body.Arguments!;
    }

    private static async Task<string> Done(Body body, ValueTask work)
    {
        await work;
        return body.Arguments!;
    }

    /// <summary>Records what the body saw when it ran; completes after a yield, so the session must outlive the call.</summary>
    private sealed class Body(Harness h)
    {
        public string[]? ActiveSessions { get; private set; }

        public bool Protected { get; private set; }

        public string? Arguments { get; private set; }

        public async Task<string> Ran(params int[] arguments)
        {
            ActiveSessions = [.. h.Registry.GetActiveSessions().Select(static s => s.Name)];
            Protected = h.Model.IsProtected;
            Arguments = string.Join(",", arguments);
            await Task.Yield();
            return Arguments;
        }
    }
}
