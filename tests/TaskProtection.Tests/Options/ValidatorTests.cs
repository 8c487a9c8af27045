namespace TaskProtection.Tests.Options;

public sealed class ValidatorTests
{
    private static string SingleFailure(Action<TaskProtectionOptions> change)
    {
        var options = new TaskProtectionOptions();
        change(options);
        return Assert.Single(TaskProtectionOptionsValidator.FindFailures(options));
    }

    [Fact]
    public void The_defaults_are_valid_and_survive_five_failed_renewals()
    {
        var options = new TaskProtectionOptions();
        Assert.Empty(TaskProtectionOptionsValidator.FindFailures(options));
        Assert.Equal(7, options.ExpiresInMinutes);
        Assert.Equal(TimeSpan.FromSeconds(60), options.GapSafetyMargin);
        Assert.Equal(5, options.ToleratedConsecutiveFailures);
        Assert.True(new TaskProtectionOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(300, 120, 7)]
    [InlineData(300, 121, 8)]
    [InlineData(30, 29, 1)]
    [InlineData(172_680, 120, 2880)]
    public void Minutes_are_always_rounded_up(int extensionSeconds, int bufferSeconds, int minutes)
    {
        var options = new TaskProtectionOptions { ExtensionInterval = TimeSpan.FromSeconds(extensionSeconds), ProtectionBuffer = TimeSpan.FromSeconds(bufferSeconds) };
        Assert.Equal(minutes, options.ExpiresInMinutes);
    }

    [Fact]
    public void The_seed_rule_is_kept_with_the_time_a_watchdog_renewal_needs()
    {
        string message = SingleFailure(o => o.CheckInterval = TimeSpan.FromSeconds(110));
        Assert.StartsWith("GapSafetyMargin ≥ RequestTimeout + 2 × SchedulingTolerance fails", message, StringComparison.Ordinal);
        Assert.Contains("00:00:10", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_buffer_that_cannot_hold_the_required_failures_is_rejected_with_its_numbers()
    {
        string message = SingleFailure(o => o.MinimumToleratedFailures = 6);
        Assert.StartsWith("ProtectionBuffer ≥ (k+1)·RequestTimeout", message, StringComparison.Ordinal);
        Assert.Contains("k = MinimumToleratedFailures = 6", message, StringComparison.Ordinal);
        Assert.Contains("survives 5 consecutive failed renewals", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_buffer_that_holds_one_failure_but_not_two_says_so()
    {
        string message = SingleFailure(o =>
        {
            o.ProtectionBuffer = TimeSpan.FromSeconds(22);
            o.CheckInterval = TimeSpan.FromSeconds(1);
            o.RequestTimeout = TimeSpan.FromSeconds(6);
            o.MinimumToleratedFailures = 2;
        });
        // 3 × 6 s + (1 s + 2 s) + 6 × 2.001 s: three calls, two retry delays, six late timers (the lapse watch among them).
        Assert.Contains("needed 00:00:33.006", message, StringComparison.Ordinal);
        Assert.Contains("survives 1 consecutive failed renewals", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_timeout_below_the_agents_own_is_rejected()
    {
        Assert.StartsWith("RequestTimeout ≥ 00:00:06 fails", SingleFailure(o => o.RequestTimeout = TimeSpan.FromSeconds(5)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_lease_beyond_what_the_agent_accepts_is_rejected()
    {
        Assert.StartsWith("1 ≤ ExpiresInMinutes ≤ 2880 fails", SingleFailure(o =>
        {
            o.ExtensionInterval = TimeSpan.FromDays(3);
            o.MaxProtectionDuration = TimeSpan.FromDays(4);
        }), StringComparison.Ordinal);
    }

    [Fact]
    public void A_cap_shorter_than_one_lease_is_rejected()
    {
        Assert.StartsWith("MaxProtectionDuration ≥ lease fails", SingleFailure(o => o.MaxProtectionDuration = TimeSpan.FromMinutes(5)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(TaskProtectionOptions.CheckInterval))]
    [InlineData(nameof(TaskProtectionOptions.ExtensionInterval))]
    [InlineData(nameof(TaskProtectionOptions.ProtectionBuffer))]
    [InlineData(nameof(TaskProtectionOptions.MaxProtectionDuration))]
    [InlineData(nameof(TaskProtectionOptions.RetryBaseDelay))]
    [InlineData(nameof(TaskProtectionOptions.AcquireTimeout))]
    public void Durations_must_be_positive(string property)
    {
        string message = SingleFailure(o => typeof(TaskProtectionOptions).GetProperty(property)!.SetValue(o, TimeSpan.Zero));
        Assert.Equal($"{property} > 0 fails: {property} = 00:00:00.", message);
    }

    [Fact]
    public void Retry_delays_must_be_ordered_and_other_values_in_range()
    {
        Assert.StartsWith("RetryMaxDelay ≥ RetryBaseDelay fails", SingleFailure(o => o.RetryMaxDelay = TimeSpan.FromMilliseconds(500)), StringComparison.Ordinal);
        Assert.StartsWith("ReleaseDelay ≥ 0 fails", SingleFailure(o => o.ReleaseDelay = TimeSpan.FromSeconds(-1)), StringComparison.Ordinal);
        Assert.StartsWith("SchedulingTolerance ≥ 0 fails", SingleFailure(o => o.SchedulingTolerance = TimeSpan.FromSeconds(-1)), StringComparison.Ordinal);
        Assert.StartsWith("MinimumToleratedFailures ≥ 0 fails", SingleFailure(o => o.MinimumToleratedFailures = -1), StringComparison.Ordinal);
        Assert.StartsWith("AcquireTimeoutBehavior must be", SingleFailure(o => o.AcquireTimeoutBehavior = (AcquireTimeoutBehavior)7), StringComparison.Ordinal);
    }

    [Fact]
    public void The_manager_refuses_an_invalid_configuration_with_the_reason()
    {
        var options = new TaskProtectionOptions { RequestTimeout = TimeSpan.FromSeconds(1) };
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new TaskProtectionManager(null, options));
        Assert.Contains("RequestTimeout ≥ 00:00:06 fails", ex.Message, StringComparison.Ordinal);
    }
}
