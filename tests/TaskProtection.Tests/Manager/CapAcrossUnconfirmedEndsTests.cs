using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// MaxProtectionDuration judged by the agent's record when the manager cannot be sure a period of continuous protection
/// ended: a renewal answered after the lease's expiry although it reached ECS before it, an acquire sent past the cap's end
/// while the last lease may still be on at ECS, and a release refused during the drain. The cap may be passed by at most one
/// lease's rounding (a minute) + RequestTimeout + the late-landing window.
/// </summary>
public sealed class CapAcrossUnconfirmedEndsTests
{
    private static readonly TimeSpan Cap = TimeSpan.FromHours(1);
    private static readonly TimeSpan Slack = TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(10) + GapBudget.LateLandingWindow;

    private static bool IsEnable(AgentCallContext c) => c.Method == "PUT" && c.Body.Contains("\"ProtectionEnabled\":true", StringComparison.Ordinal);

    private static bool IsDisable(AgentCallContext c) => c.Method == "PUT" && c.Body.Contains("\"ProtectionEnabled\":false", StringComparison.Ordinal);

    /// <summary>The longest stretch of continuous protection in the agent's record since the harness started.</summary>
    private static TimeSpan LongestProtected(Harness h)
    {
        TimeSpan longest = TimeSpan.Zero;
        DateTimeOffset protectedFrom = h.Start;
        foreach (UnprotectedInterval gap in h.Model.UnprotectedIntervals(h.Start))
        {
            TimeSpan stretch = gap.From - protectedFrom;
            longest = stretch > longest ? stretch : longest;
            protectedFrom = gap.To;
        }

        return longest;
    }

    [Fact]
    public async Task A_renewal_that_reached_ECS_before_the_lease_ended_but_was_answered_after_it_does_not_restart_the_cap()
    {
        // Interleaving: acquire at 0 (7 min, lease to 420 s). Every renewal from 300 s is throttled until 417 s; the lapse is
        // told at 418 s. The retry sent at ~417.x s is applied at once but answered 3 s later, after 420 s: "gapped", so the
        // manager starts a new period from its send time, though ECS never stopped protecting the task. The session runs on.
        var options = new TaskProtectionOptions
        {
            MaxProtectionDuration = Cap,
            MaxProtectionDrain = TimeSpan.Zero,
            RetryBaseDelay = TimeSpan.FromSeconds(1),
            RetryMaxDelay = TimeSpan.FromSeconds(1),
        };
        await using var h = new Harness(options);
        int slow = 0;
        h.Model.FaultPolicy = c =>
        {
            if (!IsEnable(c))
            {
                return null;
            }

            TimeSpan at = c.SentAt - h.Start;
            if (at >= TimeSpan.FromSeconds(299) && at < TimeSpan.FromSeconds(417))
            {
                return new AgentFault(AgentFaultKind.Throttling);
            }

            return at >= TimeSpan.FromSeconds(417) && Interlocked.Exchange(ref slow, 1) == 0
                ? AgentFault.Latency(TimeSpan.Zero, TimeSpan.FromSeconds(3))
                : null;
        };
        using CriticalSession session = h.Entered("long");

        h.AdvanceTo(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(30));

        Assert.Equal(1, slow);
        TimeSpan longest = LongestProtected(h);
        Assert.True(
            longest <= Cap + Slack,
            $"ECS protected the task continuously for {longest} under a {Cap} cap (gaps: {string.Join(", ", h.Model.UnprotectedIntervals(h.Start).Select(g => $"{g.From - h.Start}..{(g.To == DateTimeOffset.MaxValue ? "open" : (g.To - h.Start).ToString())}"))}).");
    }

    [Theory]
    [InlineData(true, "the release refused outright (TASK_NOT_VALID)")]
    [InlineData(false, "the release throttled, still being retried")]
    public async Task An_acquire_just_past_the_cap_while_the_last_lease_may_still_be_on_does_not_start_a_fresh_cap(bool refused, string because)
    {
        // Interleaving: cap 1 h, no drain. The last renewal goes out at 3300 s for the 5 minutes that reach the cap and reaches
        // ECS 3 s later (ECS's lease: to 3603 s; the manager's: to 3600 s). The session ends at 3400 s; the release at 3405 s is
        // refused (or throttled and retried). A new session at 3601 s: its acquire is sent past the cap's end (3600 s) while the
        // old lease may still be on, so it counts as a fresh period, and it lands at 3601 s, before ECS's lease ends at 3603 s.
        await using var h = new Harness(new TaskProtectionOptions { MaxProtectionDuration = Cap, MaxProtectionDrain = TimeSpan.Zero });
        h.Model.FaultPolicy = c =>
        {
            TimeSpan at = c.SentAt - h.Start;
            if (IsEnable(c) && at == TimeSpan.FromSeconds(3300))
            {
                return AgentFault.Latency(TimeSpan.FromSeconds(3));
            }

            if (IsDisable(c) && at < TimeSpan.FromSeconds(3601))
            {
                return new AgentFault(refused ? AgentFaultKind.TaskNotValid : AgentFaultKind.Throttling);
            }

            return null;
        };
        CriticalSession first = h.Entered("first");
        h.AdvanceTo(TimeSpan.FromSeconds(3400));
        first.Dispose();
        h.Pump();
        h.AdvanceTo(TimeSpan.FromSeconds(3601));
        Assert.True(h.Model.IsProtected, "ECS's last lease still runs to 3603 s.");

        Task<CriticalSession> second = h.EnterAsync("second");
        h.AdvanceTo(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(30));

        TimeSpan longest = LongestProtected(h);
        Assert.True(
            longest <= Cap + Slack,
            $"{because}: ECS protected the task continuously for {longest} under a {Cap} cap (gaps: {string.Join(", ", h.Model.UnprotectedIntervals(h.Start).Select(g => $"{g.From - h.Start}..{(g.To == DateTimeOffset.MaxValue ? "open" : (g.To - h.Start).ToString())}"))}).");
        if (second.IsCompletedSuccessfully)
        {
            (await second).Dispose();
        }
    }

    [Fact]
    public async Task A_release_refused_during_the_drain_does_not_refuse_sessions_once_the_period_is_over()
    {
        // Interleaving: cap 1 h, drain 10 min (from 50 min). The session runs into the drain and ends at 51 min; the release
        // at 51:05 is refused outright (TASK_NOT_VALID): ECS keeps the lease to its expiry (at most 7 min later) and the
        // release is not retried. Long after that lease, the cap and any cool-down are over, a new session must be taken.
        await using var h = new Harness(new TaskProtectionOptions { MaxProtectionDuration = Cap, MaxProtectionDrain = TimeSpan.FromMinutes(10) });
        int refusedReleases = 0;
        h.Model.FaultPolicy = c => IsDisable(c) && Interlocked.Exchange(ref refusedReleases, 1) == 0 ? new AgentFault(AgentFaultKind.TaskNotValid) : null;
        CriticalSession first = h.Entered("first");
        h.AdvanceTo(TimeSpan.FromMinutes(51));
        Assert.False(h.Manager.Admission.IsAccepting, "Draining from 50 min.");
        first.Dispose();
        h.Pump();
        h.AdvanceTo(TimeSpan.FromMinutes(52));
        Assert.Equal(1, refusedReleases);

        h.AdvanceTo(TimeSpan.FromHours(3));
        AdmissionState admission = h.Manager.Admission;
        Task<CriticalSession> next = h.EnterAsync("next");
        h.AdvanceTo(TimeSpan.FromHours(3) + TimeSpan.FromSeconds(1));

        Assert.True(
            next.IsCompletedSuccessfully && h.Model.IsProtected,
            $"Two hours after the old period ended: admission {admission.RefusalReason} ({admission.Why}); mode {h.Manager.Mode}; the new session {next.Status} {next.Exception?.InnerException?.Message}.");
        (await next).Dispose();
    }
}
