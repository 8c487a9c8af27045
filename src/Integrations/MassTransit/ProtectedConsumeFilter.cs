using MassTransit;
using Microsoft.Extensions.Logging;
using TaskProtection.Integrations;

namespace TaskProtection.MassTransit;

/// <summary>
/// Runs one consumer's consumption of one message inside a session named <c>masstransit {Consumer}/{Message}</c>: the
/// consumer is called once protection covers it, and the session ends when consumption ends, however it ends. The
/// message is acknowledged by the transport after that, as MassTransit always does. While the task refuses new work for
/// a while (its endpoints are paused then), a message the transport had already taken waits here, unconsumed, until the
/// task takes work again. A session that cannot be had otherwise (shutdown, or protection not confirmed with the Throw
/// behaviour) is a consume fault, so MassTransit's retry and redelivery policies decide what becomes of the message.
/// </summary>
internal sealed class ProtectedConsumeFilter<TConsumer, TMessage>(WorkAdmission admission, ILogger logger) : IFilter<ConsumerConsumeContext<TConsumer, TMessage>>
    where TConsumer : class
    where TMessage : class
{
    private static readonly string SessionName = $"masstransit {typeof(TConsumer).Name}/{typeof(TMessage).Name}";

    public async Task Send(ConsumerConsumeContext<TConsumer, TMessage> context, IPipe<ConsumerConsumeContext<TConsumer, TMessage>> next)
    {
        CriticalSession session = await admission.EnterWaitingOutPausesAsync(
            SessionName, refusal => Log.MessageWaiting(logger, SessionName, refusal.Message), context.CancellationToken).ConfigureAwait(false);
        try
        {
            await next.Send(context).ConfigureAwait(false);
        }
        finally
        {
            session.Dispose();
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("taskProtection");
}
