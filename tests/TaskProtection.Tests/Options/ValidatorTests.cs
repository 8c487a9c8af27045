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
        Assert.Contains("needed 14 s", message, StringComparison.Ordinal);
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
        Assert.Contains("needed 33.006 s", message, StringComparison.Ordinal);
        Assert.Contains("survives 1 failed renewal;", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_timeout_below_the_agents_own_is_rejected()
    {
        Assert.StartsWith("RequestTimeout ≥ 6 s fails", SingleFailure(o => o.RequestTimeout = TimeSpan.FromSeconds(5)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_lease_beyond_what_the_agent_accepts_is_rejected()
    {
        Assert.StartsWith("1 ≤ ExpiresInMinutes ≤ 2880 fails", SingleFailure(o =>
        {
            // Each within range (2 days at most), but together 2 days and 2 minutes: 2882 minutes.
            o.ExtensionInterval = TimeSpan.FromDays(2);
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
        Assert.Equal($"{property} > 0 fails: {property} = 0 s.", message);
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

    [Theory]
    [InlineData(nameof(TaskProtectionOptions.CheckInterval), "1 d", 86400)]
    [InlineData(nameof(TaskProtectionOptions.ExtensionInterval), "2 d", 172800)]
    [InlineData(nameof(TaskProtectionOptions.ProtectionBuffer), "2 d", 172800)]
    [InlineData(nameof(TaskProtectionOptions.MaxProtectionDuration), "365 d", 31536000)]
    [InlineData(nameof(TaskProtectionOptions.MaxProtectionCooldown), "1 d", 86400)]
    [InlineData(nameof(TaskProtectionOptions.RequestTimeout), "5 min", 300)]
    [InlineData(nameof(TaskProtectionOptions.RetryBaseDelay), "1 h", 3600)]
    [InlineData(nameof(TaskProtectionOptions.RetryMaxDelay), "1 h", 3600)]
    [InlineData(nameof(TaskProtectionOptions.ReleaseDelay), "1 d", 86400)]
    [InlineData(nameof(TaskProtectionOptions.AcquireTimeout), "1 d", 86400)]
    [InlineData(nameof(TaskProtectionOptions.SchedulingTolerance), "1 h", 3600)]
    [InlineData(nameof(TaskProtectionOptions.DrainTimeout), "2 min", 120)]
    [InlineData(nameof(TaskProtectionOptions.DeploymentCheckInterval), "1 h", 3600)]
    public void Durations_beyond_their_range_are_reported_not_overflowed(string property, string maximum, long maximumSeconds)
    {
        // TimeSpan.MaxValue would overflow the validator's sums and the manager's timers; it must be a clear message.
        foreach (TimeSpan tooLong in (TimeSpan[])[TimeSpan.MaxValue, TimeSpan.FromSeconds(maximumSeconds) + TimeSpan.FromTicks(1)])
        {
            var options = new TaskProtectionOptions();
            typeof(TaskProtectionOptions).GetProperty(property)!.SetValue(options, tooLong);
            IReadOnlyList<string> failures = TaskProtectionOptionsValidator.FindFailures(options);
            Assert.Contains(failures, f => f.StartsWith($"{property} ≤ {maximum} fails", StringComparison.Ordinal)
                                           || f.StartsWith($"1 min ≤ {property} ≤ {maximum} fails", StringComparison.Ordinal));
            Assert.Throws<ArgumentException>(() => new TaskProtectionManager(new UnavailableTaskProtectionClient("test"), options));
        }
    }

    [Fact]
    public void MinimumToleratedFailures_has_an_upper_bound()
    {
        Assert.StartsWith("MinimumToleratedFailures ≤ 100 fails", SingleFailure(o => o.MinimumToleratedFailures = int.MaxValue), StringComparison.Ordinal);
    }

    [Fact]
    public void The_cool_down_after_the_cap_is_between_a_minute_and_a_day()
    {
        Assert.StartsWith("1 min ≤ MaxProtectionCooldown ≤ 1 d fails", SingleFailure(o => o.MaxProtectionCooldown = TimeSpan.FromSeconds(59)), StringComparison.Ordinal);
        Assert.Empty(TaskProtectionOptionsValidator.FindFailures(new TaskProtectionOptions { MaxProtectionCooldown = TimeSpan.FromMinutes(1) }));
    }

    [Fact]
    public void The_drain_must_leave_at_least_one_lease_of_the_cap_for_admitting_work()
    {
        string message = SingleFailure(o =>
        {
            o.MaxProtectionDuration = TimeSpan.FromHours(1);
            o.MaxProtectionDrain = TimeSpan.FromMinutes(54);
        });

        Assert.StartsWith("MaxProtectionDrain ≤ MaxProtectionDuration − lease fails: MaxProtectionDrain = 54 min, MaxProtectionDuration = 1 h, lease 7 min.", message, StringComparison.Ordinal);
        Assert.Empty(TaskProtectionOptionsValidator.FindFailures(new TaskProtectionOptions { MaxProtectionDuration = TimeSpan.FromHours(1), MaxProtectionDrain = TimeSpan.FromMinutes(53) }));
        Assert.Empty(TaskProtectionOptionsValidator.FindFailures(new TaskProtectionOptions { MaxProtectionDrain = TimeSpan.Zero }));
        Assert.StartsWith("MaxProtectionDrain ≥ 0 fails", SingleFailure(o => o.MaxProtectionDrain = TimeSpan.FromMinutes(-1)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_deployment_check_runs_between_once_a_second_and_once_an_hour_and_is_on_where_it_can_work_by_default()
    {
        var defaults = new TaskProtectionOptions();
        Assert.Null(defaults.DrainOnDeployment);
        Assert.Equal(TimeSpan.FromMinutes(5), defaults.DeploymentCheckInterval);
        Assert.StartsWith("DeploymentCheckInterval ≥ 1 s fails: DeploymentCheckInterval = 999 ms.", SingleFailure(o => o.DeploymentCheckInterval = TimeSpan.FromMilliseconds(999)), StringComparison.Ordinal);
        Assert.StartsWith("DeploymentCheckInterval ≥ 1 s fails", SingleFailure(o => o.DeploymentCheckInterval = TimeSpan.Zero), StringComparison.Ordinal);
        Assert.Empty(TaskProtectionOptionsValidator.FindFailures(new TaskProtectionOptions { DeploymentCheckInterval = TimeSpan.FromSeconds(1), DrainOnDeployment = true }));
        Assert.Empty(TaskProtectionOptionsValidator.FindFailures(new TaskProtectionOptions { DeploymentCheckInterval = TimeSpan.FromHours(1), DrainOnDeployment = false }));
    }

    [Fact]
    public void The_manager_refuses_an_invalid_configuration_with_the_reason()
    {
        var options = new TaskProtectionOptions { RequestTimeout = TimeSpan.FromSeconds(1) };
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new TaskProtectionManager(new UnavailableTaskProtectionClient("test"), options));
        Assert.Contains("RequestTimeout ≥ 6 s fails", ex.Message, StringComparison.Ordinal);
    }
}
