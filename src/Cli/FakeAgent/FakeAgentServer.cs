using System.Net.Sockets;
using TaskProtection.Cli.Os;
using TaskProtection.Testing;

namespace TaskProtection.Cli.FakeAgent;

/// <summary>
/// Runs <see cref="FakeEcsAgent"/> in the foreground until SIGINT (Ctrl+C) or SIGTERM: prints where it listens, then
/// every call it receives and what it answered, with the faults of <c>--fault</c> played in order.
/// </summary>
internal sealed class FakeAgentServer(int port, FaultScript faults, string? taskArn, bool json)
{
    public async Task<int> RunAsync()
    {
        using var signals = new SignalRelay();
        Task<int> stop = signals.ReadAsync();
        ProtectionModel model = taskArn is null ? new ProtectionModel() : new ProtectionModel(taskArn: taskArn);
        var printer = new CallPrinter(Console.Out, json);
        model.Answered = printer.Print;
        model.FaultPolicy = call =>
        {
            AgentFaultKind kind = faults.Next();
            if (kind == AgentFaultKind.Blackhole)
            {
                // The model never hears of such a call: say so now, or the line would never come.
                printer.Print(CallDescription.Unreceived(call));
            }

            return kind == AgentFaultKind.None ? null : new AgentFault(kind);
        };

        await using FakeEcsAgent agent = Start(model);
        printer.Listening(agent.AgentUri, model.TaskArn);
        await Console.Error.WriteLineAsync($"taskprotect: a fake ECS agent for task {model.TaskArn} listens on 127.0.0.1:{agent.AgentUri.Port}; one line per call follows (times in UTC). Ctrl+C stops it.").ConfigureAwait(false);
        if (ShortLeaseHint.Text() is { } hint)
        {
            await Console.Error.WriteLineAsync(hint).ConfigureAwait(false);
        }

        await stop.ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private FakeEcsAgent Start(ProtectionModel model)
    {
        try
        {
            return FakeEcsAgent.Start(model, port);
        }
        catch (SocketException taken)
        {
            throw new CliException($"--port {port}: cannot listen on 127.0.0.1:{port} ({taken.Message}). Choose another port, or 0 for any free one.");
        }
    }
}
