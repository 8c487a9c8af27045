using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace TaskProtection.Cli.Run;

/// <summary>
/// The agent client <c>run</c> uses, seen from outside: every call is logged at Debug (what <c>--verbose</c> shows:
/// what was asked, what was answered, how long it took) and counted, and whether the last one was a confirmed release
/// is kept for the summary after the command exits. (The manager's start-up line names the client by its type: this one.)
/// </summary>
internal sealed partial class ObservedEcsAgentClient(ITaskProtectionClient inner, ILogger logger) : ITaskProtectionClient
{
    private int _calls;
    private int _lastWasRelease;

    /// <summary>Calls sent so far, answered or not.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Whether the last call sent was a disable the agent confirmed: nothing is left protected.</summary>
    public bool LastWasRelease => Volatile.Read(ref _lastWasRelease) != 0;

    public Task<TaskProtectionState> EnableAsync(int expiresInMinutes, CancellationToken cancellationToken) =>
        ObserveAsync($"enable {expiresInMinutes} min", release: false, () => inner.EnableAsync(expiresInMinutes, cancellationToken));

    public Task<TaskProtectionState> DisableAsync(CancellationToken cancellationToken) =>
        ObserveAsync("disable", release: true, () => inner.DisableAsync(cancellationToken));

    public Task<TaskProtectionState> GetAsync(CancellationToken cancellationToken) =>
        ObserveAsync("read", release: false, () => inner.GetAsync(cancellationToken));

    private async Task<TaskProtectionState> ObserveAsync(string request, bool release, Func<Task<TaskProtectionState>> call)
    {
        Interlocked.Increment(ref _calls);
        Volatile.Write(ref _lastWasRelease, 0);
        long started = Stopwatch.GetTimestamp();
        try
        {
            TaskProtectionState state = await call().ConfigureAwait(false);
            if (logger.IsEnabled(LogLevel.Debug))
            {
                string answer = state.ProtectionEnabled && state.ExpirationDate is { } until
                    ? $"protected until {until.ToUniversalTime():HH:mm:ss.fff} UTC"
                    : state.ProtectionEnabled ? "protected" : "not protected";
                string elapsed = DurationText.Format(RunSummary.Rounded(Stopwatch.GetElapsedTime(started)));
                LogAnswered(request, answer, elapsed);
            }

            Volatile.Write(ref _lastWasRelease, release ? 1 : 0);
            return state;
        }
        catch (TaskProtectionCallException failure)
        {
            LogFailed(request, started, failure.Message);
            throw;
        }
        catch (OperationCanceledException)
        {
            LogFailed(request, started, "given up (the manager stopped it)");
            throw;
        }
    }

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "Agent call: {Request} -> {Answer} in {Elapsed}.")]
    private partial void LogAnswered(string request, string answer, string elapsed);

    private void LogFailed(string request, long started, string error)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            string elapsed = DurationText.Format(RunSummary.Rounded(Stopwatch.GetElapsedTime(started)));
            LogFailed(request, elapsed, error);
        }
    }

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "Agent call: {Request} -> no confirmation after {Elapsed}: {Error}")]
    private partial void LogFailed(string request, string elapsed, string error);
}
