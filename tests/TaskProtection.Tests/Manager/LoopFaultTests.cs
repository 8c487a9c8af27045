using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TaskProtection.Testing;
using TaskProtection.Tests.Infrastructure;

namespace TaskProtection.Tests.Manager;

/// <summary>The loop's fault barrier: what the loop survives, and what status, health and the signal say if it ever dies.</summary>
public sealed class LoopFaultTests
{
    [Fact]
    public async Task A_client_that_throws_OperationCanceledException_synchronously_is_a_failed_call()
    {
        await using var h = new Harness(client: inner => new ThrowingClient(inner, () => new OperationCanceledException("client bug")));
        Task<CriticalSession> enter = h.EnterAsync();
        h.Advance(TimeSpan.FromSeconds(2));

        // The throwing call never reached the agent; the retry, a backoff later, did.
        Assert.True(enter.IsCompletedSuccessfully);
        Assert.Single(h.Model.Calls);
        Assert.True(h.Model.IsProtected);
        Assert.Equal(0, h.Manager.GetStatus().LoopFaults);
        (await enter).Dispose();
    }

    [Fact]
    public async Task A_logging_provider_that_throws_stops_nothing()
    {
        await using var h = new Harness(logger: new ThrowingLogger());
        using CriticalSession session = h.Entered();
        h.AdvanceTo(TimeSpan.FromSeconds(301));

        Assert.Equal(2, h.Puts(enabled: true).Count);
        Assert.Equal(ProtectionMode.Protected, h.Manager.Mode);
        Assert.Equal(0, h.Manager.GetStatus().LoopFaults);
    }

    [Fact]
    public async Task An_unexpected_error_in_a_step_is_logged_counted_and_survived()
    {
        using ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        IMeterFactory meters = services.GetRequiredService<IMeterFactory>();
        using var listener = new ThrowingListener(meters, TaskProtectionDiagnostics.AgentCalls, throws: 1);
        var logger = new FakeLogger();
        await using var h = new Harness(meterFactory: meters, logger: logger);

        // The first enable succeeds at the agent, then recording it throws: the loop must carry on and retry.
        Task<CriticalSession> enter = h.EnterAsync();
        Assert.False(enter.IsCompleted);
        h.Advance(TimeSpan.FromSeconds(1));

        Assert.True(enter.IsCompletedSuccessfully);
        Assert.Equal(2, h.Puts(enabled: true).Count);
        Assert.Equal(1, h.Manager.GetStatus().LoopFaults);
        FakeLogRecord fault = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 1070);
        Assert.Equal("listener bug", fault.Exception!.Message);
        (await enter).Dispose();
    }

    [Fact]
    public async Task A_loop_that_dies_says_so_in_status_health_and_the_signal_and_stopping_still_releases()
    {
        BreakableTimeProvider? time = null;
        var logger = new FakeLogger();
        var h = new Harness(
            new TaskProtectionOptions { AcquireTimeoutBehavior = AcquireTimeoutBehavior.Throw },
            logger: logger,
            managerClock: inner => time = new BreakableTimeProvider(inner));
        using CriticalSession session = h.Entered("transcode");
        ProtectionLostEventArgs? lost = null;
        h.Manager.ProtectionLost += (_, e) => lost = e;

        // From the renewal on, no timer can be made: the step fails, and so does the backoff after it.
        time!.Broken = true;
        h.Clock.AdvanceTo(h.Start + TimeSpan.FromSeconds(300));

        Assert.Equal(ProtectionMode.Faulted, h.Manager.Mode);
        Assert.True(h.Manager.LoopTask!.IsFaulted);
        Assert.True(h.Manager.ProtectionLostToken.IsCancellationRequested);
        Assert.Equal(ProtectionLossReason.ManagerFaulted, lost?.Reason);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Id.Id == 1071);
        var check = new TaskProtectionHealthCheck(h.Manager);
        HealthCheckResult health = await check.CheckHealthAsync(new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("task-protection", check, HealthStatus.Unhealthy, tags: null),
        });
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains("no longer renewed", health.Description, StringComparison.Ordinal);
        TaskProtectionException refused = await Assert.ThrowsAsync<TaskProtectionException>(() => EnterPumped(h, "next"));
        Assert.Contains("stopped on an unexpected error", refused.Message, StringComparison.Ordinal);

        time.Broken = false;
        await h.DisposeAsync();
        Assert.False(h.Model.IsProtected);
        Assert.Contains("\"ProtectionEnabled\":false", h.Model.Calls[^1].Body, StringComparison.Ordinal);
    }

    /// <summary>Enters and pumps the manager's scheduler, without the harness's check that the loop is alive.</summary>
    private static Task<CriticalSession> EnterPumped(Harness h, string name)
    {
        Task<CriticalSession> task = h.Registry.EnterAsync(name).AsTask();
        h.Scheduler.RunUntilIdle();
        return task;
    }

    private sealed class ThrowingClient(ITaskProtectionClient inner, Func<Exception> error) : ITaskProtectionClient
    {
        private int _throws = 1;

        public Task<TaskProtectionState> EnableAsync(int expiresInMinutes, CancellationToken cancellationToken) =>
            _throws-- > 0 ? throw error() : inner.EnableAsync(expiresInMinutes, cancellationToken);

        public Task<TaskProtectionState> DisableAsync(CancellationToken cancellationToken) => inner.DisableAsync(cancellationToken);

        public Task<TaskProtectionState> GetAsync(CancellationToken cancellationToken) => inner.GetAsync(cancellationToken);
    }

    private sealed class ThrowingLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => throw new InvalidOperationException("logging provider bug");

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            throw new InvalidOperationException("logging provider bug");
    }

    private sealed class ThrowingListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _throws;

        public ThrowingListener(IMeterFactory meters, string instrument, int throws)
        {
            _throws = throws;
            _listener.InstrumentPublished = (i, l) =>
            {
                if (i.Name == instrument && meters.Create(TaskProtectionDiagnostics.MeterName) == i.Meter)
                {
                    l.EnableMeasurementEvents(i);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, _, _, _) =>
            {
                if (_throws-- > 0)
                {
                    throw new InvalidOperationException("listener bug");
                }
            });
            _listener.Start();
        }

        public void Dispose() => _listener.Dispose();
    }
}
