using static TaskProtection.Tests.Manager.LoopRules.LoopTables;

namespace TaskProtection.Tests.Manager.LoopRules;

/// <summary>The lease and cap arithmetic, as rows: with the defaults, a 7-minute lease renewed when 2 minutes are left, a 2-hour cap.</summary>
public sealed class LeaseRulesTests
{
    private static readonly LeaseRules Rules = LeaseRules.From(Defaults, Clock);

    [Theory]
    [InlineData(420, 300, 7)] // the first lease: renewed at 5 min for 7 more
    [InlineData(6600, 6480, 7)] // 1 h 50: still a whole lease before the cap
    [InlineData(6900, 6780, 7)] // the renewal that ends exactly at the cap
    [InlineData(7000, 6840, 6)] // the last renewal: 6 whole minutes that end at the cap, sent 6 minutes before it
    [InlineData(7140, 7020, 3)] // 3 minutes left to the cap when due: sent then, for those 3
    public void A_renewal_is_due_with_the_buffer_left_and_the_last_one_reaches_the_cap_exactly(double expiry, double at, int minutes)
    {
        RenewalPlan plan = Assert.IsType<RenewalPlan>(Rules.NextRenewal(new Lease(true, S(expiry), 0)));

        Assert.Equal(at, Seconds(plan.At));
        Assert.Equal(minutes, plan.Minutes);
        Assert.True(plan.At + (plan.Minutes * S(60)) <= Rules.CapEnd(new Lease(true, S(expiry), 0)), "No renewal runs past the cap.");
    }

    [Theory]
    [InlineData(7200)]
    [InlineData(7260)]
    public void No_renewal_can_extend_protection_once_the_lease_reaches_the_cap(double expiry) =>
        Assert.Null(Rules.NextRenewal(new Lease(true, S(expiry), 0)));

    [Theory]
    [InlineData(420, 300)] // coverage until the renewal is due
    [InlineData(3720, 3600)] // never into the drain, which starts an hour before the cap
    [InlineData(4020, 3600)]
    public void Sessions_are_covered_until_the_renewal_is_due_but_never_into_the_drain(double expiry, double coveredUntil) =>
        Assert.Equal(coveredUntil, Seconds(Rules.CoverageUntil(new Lease(true, S(expiry), 0))), precision: 6);

    [Theory]
    [InlineData(0, 7)]
    [InlineData(6900, 5)] // 5 whole minutes reach the cap
    [InlineData(7150, 1)] // at least one minute
    public void A_late_renewal_asks_at_most_for_the_minutes_that_reach_the_cap(double sentAt, int minutes) =>
        Assert.Equal(minutes, Rules.MinutesToCap(new Lease(true, S(7000), 0), S(sentAt)));

    [Theory]
    [InlineData(true, 7, null, 3000, 3420)] // a renewal keeps the period's start
    [InlineData(false, 7, null, 3000, 3420)] // after a gap a new period starts at the send time
    [InlineData(true, 7, 200.0, 3000, 3200)] // a shared lease known to last less counts no longer
    public void A_confirmed_enable_counts_from_before_it_was_sent(bool continuous, int minutes, double? covered, double sentAt, double expiry)
    {
        var before = new Lease(true, S(2900), S(100));

        Lease after = Rules.Confirm(before, S(sentAt), minutes, continuous, covered is { } c ? S(c) : null);

        Assert.True(after.IsHeld);
        Assert.Equal(expiry, Seconds(after.Expiry), precision: 6);
        Assert.Equal(continuous ? 100 : sentAt, Seconds(after.ProtectedSince), precision: 6);
    }

    [Fact]
    public void The_lapse_watch_fires_a_timer_tolerance_before_the_lease_ends() =>
        Assert.Equal(420 - 2.001, Seconds(Rules.LapseAt(new Lease(true, S(420), 0))), precision: 6);
}
