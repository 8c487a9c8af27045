using MassTransit;
using Microsoft.Extensions.Logging;
using TaskProtection.Integrations;

namespace TaskProtection.MassTransit;

/// <summary>Puts the session filter into the pipe of every consumer and message type configured after it was connected.</summary>
internal sealed class ConsumerProtectionObserver(WorkAdmission admission, ILogger logger) : IConsumerConfigurationObserver
{
    public void ConsumerConfigured<TConsumer>(IConsumerConfigurator<TConsumer> configurator)
        where TConsumer : class
    {
    }

    public void ConsumerMessageConfigured<TConsumer, TMessage>(IConsumerMessageConfigurator<TConsumer, TMessage> configurator)
        where TConsumer : class
        where TMessage : class
    {
        if (!typeof(TConsumer).IsDefined(typeof(DoNotProtectConsumerAttribute), inherit: true))
        {
            configurator.UseFilter(new ProtectedConsumeFilter<TConsumer, TMessage>(admission, logger));
        }
    }
}
