using System.Text.Json;
using Spectre.Console;

namespace TaskProtection.Cli.Status;

/// <summary>Asks the agent for the task's protection once, or again and again for <c>--watch</c>.</summary>
internal sealed class StatusReader(ITaskProtectionClient client, Uri agentUri, TimeProvider time, TextWriter output)
{
    public async Task<ProtectionReport> ReadAsync(CancellationToken cancellationToken)
    {
        TaskProtectionState state = await client.GetAsync(cancellationToken).ConfigureAwait(false);
        return ProtectionReport.From(state, agentUri, time.GetUtcNow());
    }

    public async Task<int> PrintOnceAsync(bool json, CancellationToken cancellationToken)
    {
        ProtectionReport report;
        try
        {
            report = await ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TaskProtectionCallException failure)
        {
            throw new CliException($"the agent at {agentUri} did not answer: {failure.Message}");
        }

        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(report, ReportJson.Output.ProtectionReport)).ConfigureAwait(false);
        }
        else
        {
            // Piped into a file or another tool, a table must not wrap long ARNs at an imagined 80 columns.
            if (Console.IsOutputRedirected)
            {
                AnsiConsole.Profile.Width = 240;
            }

            AnsiConsole.Write(StatusView.Render(report));
        }

        return ExitCodes.Success;
    }

    /// <summary>Refreshes until <paramref name="cancellationToken"/> (Ctrl+C): a live table, or one JSON line per reading.</summary>
    public async Task<int> WatchAsync(bool json, TimeSpan interval, CancellationToken cancellationToken)
    {
        if (json)
        {
            await RepeatAsync(interval, (report, error) => output.WriteLineAsync(report is not null
                ? JsonSerializer.Serialize(report, ReportJson.Output.ProtectionReport)
                : $"{{\"error\":{JsonSerializer.Serialize(error, ReportJson.Output.String)}}}"), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        await AnsiConsole.Live(new Table()).StartAsync(live => RepeatAsync(interval, (report, error) =>
        {
            live.UpdateTarget(report is not null ? StatusView.Render(report) : StatusView.RenderError(error!, time.GetUtcNow()));
            return Task.CompletedTask;
        }, cancellationToken)).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private async Task RepeatAsync(TimeSpan interval, Func<ProtectionReport?, string?, Task> show, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await show(await ReadAsync(cancellationToken).ConfigureAwait(false), null).ConfigureAwait(false);
            }
            catch (TaskProtectionCallException failure)
            {
                // A watch survives an agent that is briefly unreachable: it shows the failure and tries again.
                await show(null, failure.Message).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
