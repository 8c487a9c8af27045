using System.Text;

namespace TaskProtection.Testing;

/// <summary>
/// Serves an <see cref="EcsApiModel"/> to the real ECS API client without sockets, on the model's clock, with its fault
/// script: a call's request delay, then the model receives it, then the response delay; a <see cref="EcsApiFault.NoResponse"/>
/// call lands after its request delay whether or not the client still waits. Awaits resume where they complete (no
/// ConfigureAwait(false)), so that a simulation on one scheduler stays deterministic.
/// </summary>
internal sealed class InMemoryEcsApiTransport(EcsApiModel model) : IEcsApiTransport
{
    public string Destination => "the in-memory ECS API";

    public async Task<EcsApiResponse> SendAsync(string action, byte[] body, CancellationToken cancellationToken)
    {
        TimeProvider time = model.TimeProvider;
        string text = Encoding.UTF8.GetString(body);
        EcsApiFault fault = model.NextFault(action);
        if (fault.NoResponse)
        {
            _ = Task.Delay(fault.RequestDelay, time, CancellationToken.None).ContinueWith(
                _ => model.Receive(action, text, fault),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            await Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken);
        }

        if (fault.RequestDelay > TimeSpan.Zero)
        {
            await Task.Delay(fault.RequestDelay, time, cancellationToken);
        }

        (int status, string answer) = model.Receive(action, text, fault);
        if (fault.ResponseDelay > TimeSpan.Zero)
        {
            await Task.Delay(fault.ResponseDelay, time, cancellationToken);
        }

        return new EcsApiResponse(status, Encoding.UTF8.GetBytes(answer), "in-memory");
    }
}
