using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// An acquire wanted past the cap's end while the period's last lease may still be on at ECS cools down first. A
/// synchronous session that started then runs through that cool-down unprotected once the old lease ends: it must be told
/// before, and the task must take (and protect) work again once the cool-down is over.
/// </summary>
public sealed class CooldownPastCapTellingTests
{
    private static bool IsEnable(AgentCallContext c) => c.Method == "PUT" && c.Body.Contains("\"ProtectionEnabled\":true", StringComparison.Ordinal);

    private static bool IsDisable(AgentCallContext c) => c.Method == "PUT" && c.Body.Contains("\"ProtectionEnabled\":false", StringComparison.Ordinal);

    [Fact]
    public async Task A_synchronous_session_started_past_the_cap_is_told_before_the_last_lease_ends_and_work_is_protected_after_the_cool_down()
    {
        // Interleaving: cap 1 h, no drain. The last renewal goes out at 3300 s and reaches ECS 3 s later (ECS's lease: to
        // 3603 s). The session ends at 3400 s; the release is refused outright (TASK_NOT_VALID). At 3601 s a synchronous
        // session starts (Enter): the loop, asked to acquire past the cap while the old lease may be on, cools down instead;
        // the session's body runs on, and ECS's lease ends at 3603 s.
        await using var h = new Harness(CapWithoutDrain());
        PastTheCapWithTheLastLeaseOn(h);
        Assert.True(h.Model.IsProtected, "ECS's last lease runs to 3603 s.");

        CriticalSession sync = h.Registry.Enter("sync");
        h.Pump();
        bool toldBeforeEnd = h.Manager.ProtectionLostToken.IsCancellationRequested;
        Assert.Equal(ProtectionMode.Capped, h.Manager.Mode);
        Assert.DoesNotContain(h.Puts(enabled: true), c => c.ReceivedAt - h.Start > TimeSpan.FromSeconds(3400));
        h.AdvanceTo(TimeSpan.FromSeconds(3604));
        Assert.False(h.Model.IsProtected, "ECS's last lease ended at 3603 s.");
        Assert.True(toldBeforeEnd, $"The synchronous session started at 3601 s runs unprotected from 3603 s: told by then {toldBeforeEnd}, mode {h.Manager.Mode}.");

        h.AdvanceTo(TimeSpan.FromHours(1.5));
        bool protectedAfterCooldown = h.Model.IsProtected;
        sync.Dispose();
        h.Pump();
        h.AdvanceTo(TimeSpan.FromHours(2));
        Task<CriticalSession> next = h.EnterAsync("next");
        h.AdvanceTo(TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1));

        Assert.True(protectedAfterCooldown, $"The session still running at 1.5 h is protected again once the cool-down ended (mode {h.Manager.Mode}).");
        Assert.True(next.IsCompletedSuccessfully && h.Model.IsProtected, $"A new session at 2 h: {next.Status}, mode {h.Manager.Mode}.");
        (await next).Dispose();
    }
    [Theory]
    [InlineData(AcquireTimeoutBehavior.Throw)]
    [InlineData(AcquireTimeoutBehavior.Proceed)]
    public async Task A_synchronous_session_entering_the_cool_down_a_waiting_session_brought_is_refused_or_told(AcquireTimeoutBehavior behavior)
    {
        // As above, but an asynchronous session enters first at 3601 s and waits: the loop cools down with no body running,
        // so nobody is told then. A synchronous session entering at 3610 s must be refused, or told before its body runs.
        await using var h = new Harness(CapWithoutDrain(behavior));
        PastTheCapWithTheLastLeaseOn(h);
        Task<CriticalSession> waiting = h.EnterAsync("waiting");
        h.AdvanceTo(TimeSpan.FromSeconds(3610));

        CriticalSession? sync = null;
        try
        {
            sync = h.Registry.Enter("sync");
        }
        catch (TaskProtectionException)
        {
        }

        bool told = h.Manager.ProtectionLostToken.IsCancellationRequested;
        ProtectionMode mode = h.Manager.Mode;
        h.AdvanceTo(TimeSpan.FromSeconds(3700));
        Assert.False(h.Model.IsProtected);
        Assert.True(sync is null || told, $"The synchronous session entered at 3610 s runs unprotected from 3603 s, untold (mode {mode}).");
        sync?.Dispose();
        h.AdvanceTo(TimeSpan.FromHours(2));
        if (waiting.IsCompletedSuccessfully)
        {
            (await waiting).Dispose();
        }
    }

    private static TaskProtectionOptions CapWithoutDrain(AcquireTimeoutBehavior behavior = AcquireTimeoutBehavior.Proceed) =>
        new() { MaxProtectionDuration = TimeSpan.FromHours(1), MaxProtectionDrain = TimeSpan.Zero, AcquireTimeoutBehavior = behavior };

    /// <summary>
    /// A session from 0 s to 3400 s; the last renewal (3300 s) reaches ECS 3 s late, so ECS's lease runs to 3603 s; every
    /// release before 3601 s is refused outright (TASK_NOT_VALID). Leaves the clock at 3601 s, past the cap.
    /// </summary>
    private static void PastTheCapWithTheLastLeaseOn(Harness h)
    {
        h.Model.FaultPolicy = c =>
        {
            TimeSpan at = c.SentAt - h.Start;
            if (IsEnable(c) && at == TimeSpan.FromSeconds(3300))
            {
                return AgentFault.Latency(TimeSpan.FromSeconds(3));
            }

            return IsDisable(c) && at < TimeSpan.FromSeconds(3601) ? new AgentFault(AgentFaultKind.TaskNotValid) : null;
        };
        CriticalSession first = h.Entered("first");
        h.AdvanceTo(TimeSpan.FromSeconds(3400));
        first.Dispose();
        h.Pump();
        h.AdvanceTo(TimeSpan.FromSeconds(3601));
    }
}
