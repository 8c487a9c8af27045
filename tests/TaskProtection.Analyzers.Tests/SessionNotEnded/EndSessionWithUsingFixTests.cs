using static TaskProtection.Analyzers.Tests.Verification;

namespace TaskProtection.Analyzers.Tests.SessionNotEnded;

/// <summary>
/// TP0006's fix: the session ends at the end of its scope. The test framework also runs Fix All over each source and
/// compares it with the same fixed code.
/// </summary>
public sealed class EndSessionWithUsingFixTests
{
    [Fact]
    public async Task Declares_a_session_local_with_using() =>
        await FixAsync<SessionNotEndedAnalyzer, EndSessionWithUsingCodeFix>(
            """
            public static class Caller
            {
                public static void Use(CriticalSessionRegistry registry)
                {
                    // The import.
                    var s = {|TP0006:registry.Enter("import")|};
                    CriticalSession t = {|TP0006:CriticalSessionRegistry.Default.Enter("export")|};
                    Console.WriteLine(s.Name + t.Name);
                }
            }
            """,
            """
            public static class Caller
            {
                public static void Use(CriticalSessionRegistry registry)
                {
                    // The import.
                    using var s = registry.Enter("import");
                    using CriticalSession t = CriticalSessionRegistry.Default.Enter("export");
                    Console.WriteLine(s.Name + t.Name);
                }
            }
            """);

    [Fact]
    public async Task Declares_a_session_local_with_await_using_in_async_code() =>
        await FixAsync<SessionNotEndedAnalyzer, EndSessionWithUsingCodeFix>(
            """
            public static class Caller
            {
                public static async Task UseAsync(CriticalSessionRegistry registry)
                {
                    var s = await {|TP0006:registry.EnterAsync("import")|}.ConfigureAwait(false);
                    var t = {|TP0006:registry.Enter("export")|};
                    await Task.Yield();
                }
            }
            """,
            """
            public static class Caller
            {
                public static async Task UseAsync(CriticalSessionRegistry registry)
                {
                    await using var s = await registry.EnterAsync("import").ConfigureAwait(false);
                    await using var t = registry.Enter("export");
                    await Task.Yield();
                }
            }
            """);

    [Fact]
    public async Task Keeps_a_discarded_session_in_a_using_local_with_a_free_name() =>
        await FixAsync<SessionNotEndedAnalyzer, EndSessionWithUsingCodeFix>(
            """
            public static class Caller
            {
                public static void Use(CriticalSessionRegistry registry, string session1)
                {
                    {|TP0006:registry.Enter("import")|};
                    _ = {|TP0006:CriticalSessionRegistry.Default.Enter("export")|};
                    Console.WriteLine(session1);
                }
            }
            """,
            """
            public static class Caller
            {
                public static void Use(CriticalSessionRegistry registry, string session1)
                {
                    using var session = registry.Enter("import");
                    using var session2 = CriticalSessionRegistry.Default.Enter("export");
                    Console.WriteLine(session1);
                }
            }
            """);

    [Fact]
    public async Task Keeps_a_discarded_awaited_session_in_an_await_using_local() =>
        await FixAsync<SessionNotEndedAnalyzer, EndSessionWithUsingCodeFix>(
            """
            public static class Caller
            {
                public static async Task UseAsync(CriticalSessionRegistry registry)
                {
                    await {|TP0006:registry.EnterAsync("import")|};
                    _ = await {|TP0006:registry.EnterAsync("export")|}.ConfigureAwait(false);
                    _ = {|TP0006:registry.EnterAsync("audit")|};
                    Func<Task> later = async () =>
                    {
                        await {|TP0006:registry.EnterAsync("later")|};
                    };
                    await later();
                }
            }
            """,
            """
            public static class Caller
            {
                public static async Task UseAsync(CriticalSessionRegistry registry)
                {
                    await using var session = await registry.EnterAsync("import");
                    await using var session1 = await registry.EnterAsync("export").ConfigureAwait(false);
                    await using var session2 = await registry.EnterAsync("audit");
                    Func<Task> later = async () =>
                    {
                        await using var session3 = await registry.EnterAsync("later");
                    };
                    await later();
                }
            }
            """);

    [Fact]
    public async Task Does_not_reuse_a_name_declared_later_or_a_field_name() =>
        await FixAsync<SessionNotEndedAnalyzer, EndSessionWithUsingCodeFix>(
            """
            public sealed class Caller
            {
                public readonly string session = "";

                public void Use(CriticalSessionRegistry registry)
                {
                    {|TP0006:registry.Enter("import")|};
                    {
                        var session1 = "";
                        Console.WriteLine(session1);
                    }
                }
            }
            """,
            """
            public sealed class Caller
            {
                public readonly string session = "";

                public void Use(CriticalSessionRegistry registry)
                {
                    using var session2 = registry.Enter("import");
                    {
                        var session1 = "";
                        Console.WriteLine(session1);
                    }
                }
            }
            """);

    [Fact]
    public async Task Uses_using_inside_a_lock_even_in_async_code() =>
        await FixAsync<SessionNotEndedAnalyzer, EndSessionWithUsingCodeFix>(
            """
            public static class Caller
            {
                private static readonly object Gate = new();

                public static async Task UseAsync(CriticalSessionRegistry registry)
                {
                    await Task.Yield();
                    lock (Gate)
                    {
                        {|TP0006:registry.Enter("import")|};
                    }
                }
            }
            """,
            """
            public static class Caller
            {
                private static readonly object Gate = new();

                public static async Task UseAsync(CriticalSessionRegistry registry)
                {
                    await Task.Yield();
                    lock (Gate)
                    {
                        using var session = registry.Enter("import");
                    }
                }
            }
            """);

    /// <summary>
    /// No fix where a using declaration would not compile or would change the code's meaning: an embedded statement or a
    /// switch section, a local assigned again, an expression-bodied lambda, or an unawaited EnterAsync outside async code.
    /// </summary>
    [Fact]
    public async Task Offers_no_fix_where_a_using_declaration_does_not_fit() =>
        await FixAsync<SessionNotEndedAnalyzer, EndSessionWithUsingCodeFix>(
            """
            public static class Caller
            {
                public static void Use(CriticalSessionRegistry registry, int kind)
                {
                    if (kind > 0)
                        {|TP0006:registry.Enter("embedded")|};
                    switch (kind)
                    {
                        case 1:
                            var s = {|TP0006:registry.Enter("case")|};
                            break;
                    }

                    var again = {|TP0006:registry.Enter("first")|};
                    again = {|TP0006:registry.Enter("second")|};
                    Action a = () => {|TP0006:registry.Enter("lambda")|};
                    _ = {|TP0006:registry.EnterAsync("unawaited")|};
                }
            }
            """,
            """
            public static class Caller
            {
                public static void Use(CriticalSessionRegistry registry, int kind)
                {
                    if (kind > 0)
                        {|TP0006:registry.Enter("embedded")|};
                    switch (kind)
                    {
                        case 1:
                            var s = {|TP0006:registry.Enter("case")|};
                            break;
                    }

                    var again = {|TP0006:registry.Enter("first")|};
                    again = {|TP0006:registry.Enter("second")|};
                    Action a = () => {|TP0006:registry.Enter("lambda")|};
                    _ = {|TP0006:registry.EnterAsync("unawaited")|};
                }
            }
            """);
}
