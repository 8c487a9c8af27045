using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TaskProtection;
using TaskProtection.Integrations;
using TaskProtection.MassTransit;

namespace MassTransit;

/// <summary>Turns TaskProtection on for MassTransit consumers.</summary>
public static class TaskProtectionConsumePipeConfiguratorExtensions
{
    /// <summary>
    /// Runs every message consumed by the consumers configured after this call (on the bus: all of them; on a receive
    /// endpoint: that endpoint's) inside a TaskProtection session named <c>masstransit {Consumer}/{Message}</c>: the
    /// consumer starts once protection covers it, and the session ends when consumption ends, including faults and
    /// retries. While the task refuses new work (the drain before <c>MaxProtectionDuration</c>, the cool-down after it,
    /// <c>StopTakingWork</c>, shutdown) the receive endpoints (on the bus: all but the bus's own; on a receive endpoint:
    /// that one) are paused between messages, so the messages not yet taken stay in the queue, and resumed when it takes
    /// work again; in-flight consumers finish protected. Called on the bus, it also stops the bus for good once the task
    /// starts shutting down. Mark a consumer <see cref="DoNotProtectConsumerAttribute"/> to opt it out. Call
    /// <c>services.AddTaskProtection()</c> as well.
    /// </summary>
    /// <param name="configurator">The bus (<c>UsingInMemory((context, cfg) =&gt; …)</c> and the like) or a receive endpoint.</param>
    /// <param name="context">The registration context, for the registry <c>AddTaskProtection</c> attached its manager to, and the manager.</param>
    public static void UseTaskProtection(this IConsumePipeConfigurator configurator, IServiceProvider context)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentNullException.ThrowIfNull(context);
        var admission = new WorkAdmission(
            context.GetService<CriticalSessionRegistry>() ?? CriticalSessionRegistry.Default,
            context.GetService<TaskProtectionManager>());
        ILogger logger = context.GetService<ILogger<PauseConsumingWhileRefusing>>() ?? (ILogger)NullLogger.Instance;
        configurator.ConnectConsumerConfigurationObserver(new ConsumerProtectionObserver(admission, logger));
        if (configurator is IBusFactoryConfigurator bus)
        {
            bus.ConnectBusObserver(new PauseConsumingWhileRefusing(admission, logger));
        }
        else if (configurator is IReceiveEndpointConfigurator endpoint)
        {
            endpoint.ConnectReceiveEndpointObserver(new PauseConsumingWhileRefusing(admission, logger));
        }
    }
}
