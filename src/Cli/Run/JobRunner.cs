using System.Diagnostics;
using Microsoft.Extensions.Logging;
using TaskProtection.Cli.Configuration;
using TaskProtection.Cli.Os;

namespace TaskProtection.Cli.Run;

/// <summary>
/// Runs one command inside one critical session: protection is confirmed (or <see cref="TaskProtectionOptions.AcquireTimeoutBehavior"/>
/// applies) before the command starts, renewed while it runs, and released when it has exited. The first SIGTERM or
/// SIGINT keeps protection and lets the command finish for up to <see cref="TaskProtectionOptions.DrainTimeout"/>, then
/// forwards SIGTERM; a further signal is forwarded at once. The exit code is the command's; once protection is
/// released, one line on standard error sums up what happened (unless <see cref="RunRequest.Quiet"/>).
/// </summary>
internal sealed partial class JobRunner(RunRequest request, LoadedOptions loaded, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("taskprotect");
    private ObservedEcsAgentClient? _client;
    private volatile bool _lost;

    public async Task<int> RunAsync()
    {
        using var signals = new SignalRelay();
        Task<int> firstSignal = signals.ReadAsync();
        var registry = new CriticalSessionRegistry();
        (int ExitCode, TimeSpan Ran)? ran;
        bool available;
        await using (TaskProtectionManager manager = CreateManager(registry))
        {
            manager.ProtectionLost += (_, lost) =>
            {
                _lost = true;
                LogProtectionLost(lost.Reason, request.Command[0]);
            };
            await manager.StartAsync().ConfigureAwait(false);
            available = manager.Mode != ProtectionMode.Unavailable;
            if (!available)
            {
                LogUnprotected(request.Command[0], manager.GetStatus().UnavailableReason);
            }

            ran = await RunInSessionAsync(registry, signals, firstSignal, manager.Options.DrainTimeout).ConfigureAwait(false);
        }

        if (ran is not { } done)
        {
            int signal = await firstSignal.ConfigureAwait(false);
            LogStoppedBeforeStart(SignalRelay.Name(signal), request.Command[0]);
            return ExitCodes.FromSignal(signal);
        }

        // After the manager is disposed: the release has been sent (or given up on), so the line can say which.
        if (!request.Quiet)
        {
            RunSummary.Protection protection = !available ? RunSummary.Protection.None : _lost ? RunSummary.Protection.Lost : RunSummary.Protection.Throughout;
            await Console.Error.WriteLineAsync(RunSummary.Text(request.SessionName, done.ExitCode, done.Ran, protection, _client?.Calls ?? 0, _client?.LastWasRelease ?? false)).ConfigureAwait(false);
        }

        return done.ExitCode;
    }

    /// <summary>Runs the command inside the session; null when a signal came before protection was settled.</summary>
    private async Task<(int ExitCode, TimeSpan Ran)?> RunInSessionAsync(CriticalSessionRegistry registry, SignalRelay signals, Task<int> firstSignal, TimeSpan drainTimeout)
    {
        CriticalSession? session = await EnterAsync(registry, firstSignal).ConfigureAwait(false);
        if (session is null)
        {
            return null;
        }

        // Leaving the session and then disposing the manager releases protection, once the command has exited.
        using (session)
        {
            bool subreaper = Posix.TryBecomeSubreaper();
            long started = Stopwatch.GetTimestamp();
            using Process command = ChildLauncher.Start(request.Command);
            using OrphanReaper? reaper = OrphanReaper.StartIfNeeded(command.Id, subreaper, _logger);
            await SuperviseAsync(command, signals, firstSignal, drainTimeout).ConfigureAwait(false);
            return (command.ExitCode, Stopwatch.GetElapsedTime(started));
        }
    }

    private TaskProtectionManager CreateManager(CriticalSessionRegistry registry)
    {
        TaskProtectionOptions options = loaded.Options;
        ILogger<TaskProtectionManager> logger = loggers.CreateLogger<TaskProtectionManager>();
        if (loaded.AgentUri is null)
        {
            var unavailable = new UnavailableTaskProtectionClient(
                $"no agent address: {EcsAgentClient.AgentUriVariable} is not set (not running in ECS?) and neither --agent-uri nor TaskProtection:AgentUri is given");
            return new TaskProtectionManager(unavailable, options, registry, TimeProvider.System, logger);
        }

        // Each call is bounded by RequestTimeout inside the client; the HttpClient must not cut it shorter.
        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        _client = new ObservedEcsAgentClient(new EcsAgentClient(http, loaded.AgentUri, options.RequestTimeout), _logger);
        return new TaskProtectionManager(_client, options, registry, TimeProvider.System, logger);
    }

    /// <summary>Enters the session; null when a signal came before protection was settled.</summary>
    private async Task<CriticalSession?> EnterAsync(CriticalSessionRegistry registry, Task<int> firstSignal)
    {
        using var stop = new CancellationTokenSource();
        Task<CriticalSession> entering = registry.EnterAsync(request.SessionName, stop.Token).AsTask();
        if (await Task.WhenAny(entering, firstSignal).ConfigureAwait(false) != entering)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                (await entering.ConfigureAwait(false)).Dispose();
            }
            catch (Exception abandoned) when (abandoned is OperationCanceledException or CriticalSessionRefusedException)
            {
                // Nothing entered: nothing to leave.
            }

            return null;
        }

        try
        {
            return await entering.ConfigureAwait(false);
        }
        catch (CriticalSessionRefusedException refused)
        {
            throw new CliException($"{request.Command[0]} was not started: {refused.Message}");
        }
        catch (TaskProtectionException notConfirmed)
        {
            // AcquireTimeoutBehavior = Throw did what it says: not a bug to report, the documented exit 1.
            throw new CliException(notConfirmed.Message);
        }
    }

    private async Task SuperviseAsync(Process command, SignalRelay signals, Task<int> nextSignal, TimeSpan drainTimeout)
    {
        Task exited = command.WaitForExitAsync();
        using var drainCancel = new CancellationTokenSource();
        Task drainEnds = Task.Delay(Timeout.InfiniteTimeSpan, drainCancel.Token);
        bool draining = false;
        while (!exited.IsCompleted)
        {
            Task done = await Task.WhenAny(exited, nextSignal, drainEnds).ConfigureAwait(false);
            if (done == nextSignal)
            {
                int signal = await nextSignal.ConfigureAwait(false);
                nextSignal = signals.ReadAsync();
                if (!draining)
                {
                    draining = true;
                    LogDraining(SignalRelay.Name(signal), request.Command[0], drainTimeout);
                    drainEnds = Task.Delay(drainTimeout, drainCancel.Token);
                }
                else
                {
                    Forward(command, signal, "a second signal came");
                }
            }
            else if (done == drainEnds)
            {
                Forward(command, Posix.SIGTERM, $"it did not finish within the drain timeout ({DurationText.Format(drainTimeout)})");
                drainEnds = Task.Delay(Timeout.InfiniteTimeSpan, drainCancel.Token);
            }
        }

        await drainCancel.CancelAsync().ConfigureAwait(false);
        await exited.ConfigureAwait(false);
    }

    private void Forward(Process command, int signal, string why)
    {
        LogForwarding(SignalRelay.Name(signal), request.Command[0], why);
        Posix.Kill(command.Id, signal);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Running {Command} without protection: {Reason}.")]
    private partial void LogUnprotected(string command, string? reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Protection lost ({Reason}); {Command} keeps running, and ECS may stop this task.")]
    private partial void LogProtectionLost(ProtectionLossReason reason, string command);

    private void LogDraining(string signal, string command, TimeSpan drainTimeout) => LogDraining(signal, command, DurationText.Format(drainTimeout));

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "{Signal} received: letting {Command} finish with protection kept, for up to {DrainTimeout}; a second signal forwards it at once.")]
    private partial void LogDraining(string signal, string command, string drainTimeout);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Forwarding {Signal} to {Command}: {Why}.")]
    private partial void LogForwarding(string signal, string command, string why);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "{Signal} received before {Command} started: not starting it.")]
    private partial void LogStoppedBeforeStart(string signal, string command);
}
