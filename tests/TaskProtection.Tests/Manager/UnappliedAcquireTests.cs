using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>
/// A new period counts from its first enable as sent, but acquires that ECS definitely never
/// applied (refused, or rate-limited before the request was read) must not count as protection for the cap, or a long
/// outage cools the task down (refusing work, leaving sessions unprotected) although ECS never protected it.
/// </summary>
public sealed class UnappliedAcquireTests
{
    private static bool IsEnable(AgentCallContext c) => c.Method == "PUT" && c.Body.Contains("\"ProtectionEnabled\":true", StringComparison.Ordinal);

    [Theory]
    [InlineData(AgentFaultKind.TooManyRequests)]
    [InlineData(AgentFaultKind.TaskNotValid)]
    public async Task Acquires_never_applied_for_longer_than_the_cap_do_not_cool_the_task_down(AgentFaultKind fault)
    {
        // Interleaving: cap 1 h, drain 10 min, cool-down 30 min. A synchronous session starts at 0 s; every enable sent
        // before 65 min fails with an answer that says it was not applied. BeginEnable set ProtectedSince = 0 s on the first
        // acquire, and each failed attempt raised "server may be protected until" by a lease: past 60 min the decider sees a
        // period past its cap that ECS "may still keep" and cools down, though ECS never protected the task.
        await using var h = new Harness(new TaskProtectionOptions
        {
            MaxProtectionDuration = TimeSpan.FromHours(1),
            MaxProtectionDrain = TimeSpan.FromMinutes(10),
            MaxProtectionCooldown = TimeSpan.FromMinutes(30),
        });
        h.Model.FaultPolicy = c => IsEnable(c) && c.SentAt - h.Start < TimeSpan.FromMinutes(65) ? new AgentFault(fault) : null;
        CriticalSession first = h.Registry.Enter("first");
        h.Pump();
        h.AdvanceTo(TimeSpan.FromMinutes(64));
        Assert.False(h.Model.IsProtected, "Nothing was ever applied.");
        h.AdvanceTo(TimeSpan.FromMinutes(67));
        bool protectedAfterRecovery = h.Model.IsProtected;
        ProtectionMode mode = h.Manager.Mode;
        first.Dispose();
        h.Pump();
        h.AdvanceTo(TimeSpan.FromMinutes(70));
        AdmissionState admission = h.Manager.Admission;

        Assert.True(
            protectedAfterRecovery && admission.IsAccepting,
            $"ECS never protected the task; 2 min after the agent recovered: protected {protectedAfterRecovery}, mode {mode}; admission at 70 min: {admission}. Enables sent: {h.Puts(enabled: true).Count}.");
    }
}
