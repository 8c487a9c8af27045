namespace TaskProtection.Tests.Options;

/// <summary>Durations in messages read as people write them, and keep every digit a reader may need.</summary>
public sealed class DurationTextTests
{
    [Theory]
    [InlineData(0, "0 s")]
    [InlineData(5_000, "0.5 ms")]
    [InlineData(5_000_000, "500 ms")]
    [InlineData(290_040_000, "29.004 s")]
    [InlineData(1_200_000_000, "2 min")]
    [InlineData(1_250_000_000, "2 min 5 s")]
    [InlineData(54_000_000_000, "1 h 30 min")]
    [InlineData(864_000_000_000, "1 d")]
    [InlineData(-450_000_000, "-45 s")]
    public void Formats_in_the_largest_units_that_fit(long ticks, string expected)
    {
        Assert.Equal(expected, DurationText.Format(TimeSpan.FromTicks(ticks)));
    }

    [Fact]
    public void The_extremes_do_not_overflow()
    {
        Assert.StartsWith("10675199 d 2 h 48 min 5.4775807 s", DurationText.Format(TimeSpan.MaxValue), StringComparison.Ordinal);
        Assert.StartsWith("-10675199 d", DurationText.Format(TimeSpan.MinValue), StringComparison.Ordinal);
    }
}
