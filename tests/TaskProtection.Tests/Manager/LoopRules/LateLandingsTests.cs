using static TaskProtection.Tests.Manager.LoopRules.LoopTables;

namespace TaskProtection.Tests.Manager.LoopRules;

/// <summary>Calls that may still take effect after the loop gave up on them, as rows of calls and answers.</summary>
public sealed class LateLandingsTests
{
    [Theory]
    [InlineData(false, long.MinValue)] // answered: it cannot land later
    [InlineData(true, 25)] // no answer (a timeout, a broken connection, a 5xx): it may land until the landing window after giving up
    public void An_enable_counts_as_landing_until_its_answer_says_otherwise(bool mayHaveLanded, double until)
    {
        LateLandings before = LateLandings.None;
        LateLandings sending = before.BeforeEnable(S(0), 7, outUntil: S(30));
        Assert.Equal(30, Seconds(sending.EnableUntil));

        LateLandings after = sending.AfterEnable(before, mayHaveLanded, landsBy: S(25));

        Assert.Equal(until == long.MinValue ? long.MinValue : S(until), after.EnableUntil);
    }

    [Theory]
    [InlineData(10, 7, 7, 7)] // no earlier enable may land: counted as asked
    [InlineData(10, 3, 7, 3)] // an earlier 3-minute enable may land after this one: it would cut the lease to 3 minutes
    [InlineData(40, 3, 7, 7)] // that earlier enable can no longer land by the time this one is sent
    public void A_confirmed_lease_counts_no_more_than_an_earlier_enable_that_may_still_land(double sentAt, int earlier, int asked, int counted)
    {
        LateLandings state = LateLandings.None.BeforeEnable(S(0), earlier, outUntil: S(30));
        state = state.AfterEnable(LateLandings.None, mayHaveLanded: true, landsBy: S(35));

        Assert.Equal(counted, state.CountedMinutes(S(sentAt), asked));
    }

    [Theory]
    [InlineData(false, long.MinValue)]
    [InlineData(true, 40)]
    public void A_release_given_up_on_keeps_enables_back_until_it_can_no_longer_land(bool mayHaveLanded, double until)
    {
        LateLandings sending = LateLandings.None.BeforeDisable(outUntil: S(30));

        LateLandings after = sending.AfterDisable(LateLandings.None, mayHaveLanded, landsBy: S(40));

        Assert.Equal(until == long.MinValue ? long.MinValue : S(until), after.DisableUntil);
    }

    [Theory]
    [InlineData(CallFailureKind.Timeout, null, true)]
    [InlineData(CallFailureKind.Transport, null, true)]
    [InlineData(CallFailureKind.MalformedResponse, 200, true)]
    [InlineData(CallFailureKind.Error, 504, true)] // the agent's RequestCanceled: ECS may still apply it
    [InlineData(CallFailureKind.Error, 400, false)]
    [InlineData(CallFailureKind.Throttled, 429, false)]
    [InlineData(CallFailureKind.Failure, 200, false)]
    public void Which_failures_may_still_land(CallFailureKind kind, int? status, bool mayHaveLanded) =>
        Assert.Equal(mayHaveLanded, new TaskProtectionCallException(kind, isRetryable: true, "test", status).MayHaveLanded());
}
