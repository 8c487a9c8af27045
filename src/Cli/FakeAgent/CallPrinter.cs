using System.Text.Json;
using TaskProtection.Testing;

namespace TaskProtection.Cli.FakeAgent;

/// <summary>Writes what <c>fake-agent</c> sees on standard output: the address to export, then one line per call, as text or JSON.</summary>
internal sealed class CallPrinter(TextWriter output, bool json)
{
    private readonly Lock _lock = new();

    /// <summary>The first line: exactly what to paste into another shell (or, with --json, the address as JSON).</summary>
    public void Listening(Uri agentUri, string taskArn) => Write(json
        ? JsonSerializer.Serialize(new ListeningLine(agentUri.AbsoluteUri, taskArn), FakeAgentJson.Output.ListeningLine)
        : $"export {EcsAgentClient.AgentUriVariable}={agentUri.AbsoluteUri}");

    public void Print(AgentCall call, AgentAnswer answer) => Print(CallDescription.Describe(call, answer));

    public void Print(CallLine line) =>
        Write(json ? JsonSerializer.Serialize(line, FakeAgentJson.Output.CallLine) : CallDescription.Text(line));

    private void Write(string line)
    {
        // Calls are answered on several connections at once: one line at a time, whole.
        lock (_lock)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
