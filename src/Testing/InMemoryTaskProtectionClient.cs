using System.Text;

namespace TaskProtection.Testing;

/// <summary>
/// An <see cref="ITaskProtectionClient"/> that talks to a <see cref="ProtectionModel"/> directly, on the model's clock:
/// with a FakeTimeProvider, hours of protection run in milliseconds. Answers go through the same parser as
/// <see cref="EcsAgentClient"/>, so failures raise the same exceptions. Its awaits resume on the caller's scheduler
/// (no ConfigureAwait(false)) so that a simulation driving the manager on one scheduler stays deterministic.
/// </summary>
public sealed class InMemoryTaskProtectionClient : ITaskProtectionClient
{
    private readonly ProtectionModel _model;

    /// <summary>Creates the client.</summary>
    /// <param name="model">The agent model to call.</param>
    public InMemoryTaskProtectionClient(ProtectionModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
    }

    /// <inheritdoc />
    public Task<TaskProtectionState> EnableAsync(int expiresInMinutes, CancellationToken cancellationToken) =>
        CallAsync("PUT", Encoding.UTF8.GetString(ProtectionRequestBody.Enable(expiresInMinutes)), true, cancellationToken);

    /// <inheritdoc />
    public Task<TaskProtectionState> DisableAsync(CancellationToken cancellationToken) =>
        CallAsync("PUT", Encoding.UTF8.GetString(ProtectionRequestBody.Disable()), false, cancellationToken);

    /// <inheritdoc />
    public Task<TaskProtectionState> GetAsync(CancellationToken cancellationToken) =>
        CallAsync("GET", string.Empty, null, cancellationToken);

    private async Task<TaskProtectionState> CallAsync(string method, string body, bool? expectedEnabled, CancellationToken cancellationToken)
    {
        TimeProvider time = _model.TimeProvider;
        AgentFault fault = _model.NextFault(new AgentCallContext(method, body, time.GetUtcNow()));
        if (fault.Kind == AgentFaultKind.LateLanding)
        {
            // The request is on its way whatever the caller does now: it lands after its delay, and no answer comes.
            _ = Task.Delay(fault.RequestDelay, time, CancellationToken.None).ContinueWith(
                _ => _model.Receive(method, "/api/in-memory" + ProtectionModel.StatePathSuffix, body, fault),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            await Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken);
        }

        await DelayAsync(fault.RequestDelay, time, cancellationToken);
        switch (fault.Kind)
        {
            case AgentFaultKind.Blackhole:
                await Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken);
                break;
            case AgentFaultKind.DropConnection:
                _model.Receive(method, "/api/in-memory" + ProtectionModel.StatePathSuffix, body, fault);
                throw new TaskProtectionCallException(CallFailureKind.Transport, isRetryable: true, "The connection to the (in-memory) agent was dropped.");
        }

        AgentAnswer answer = _model.Receive(method, "/api/in-memory" + ProtectionModel.StatePathSuffix, body, fault);
        if (fault.Kind is AgentFaultKind.NoResponse or AgentFaultKind.TruncatedBody)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken);
        }

        await DelayAsync(fault.ResponseDelay, time, cancellationToken);
        if (fault.Kind == AgentFaultKind.OversizedBody)
        {
            throw new TaskProtectionCallException(CallFailureKind.MalformedResponse, isRetryable: true, "The (in-memory) agent's answer is larger than the limit.");
        }

        string answerBody = fault.Kind == AgentFaultKind.NotJson ? "<html>502 Bad Gateway</html>" : answer.Body;
        return AgentResponseParser.Parse(answer.StatusCode, Encoding.UTF8.GetBytes(answerBody), expectedEnabled);
    }

    private static Task DelayAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken) =>
        delay > TimeSpan.Zero ? Task.Delay(delay, time, cancellationToken) : Task.CompletedTask;
}
