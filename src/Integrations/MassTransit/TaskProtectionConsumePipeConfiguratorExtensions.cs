using Microsoft.Extensions.DependencyInjection;
using TaskProtection;
using TaskProtection.MassTransit;

namespace MassTransit;

/// <summary>Turns TaskProtection on for MassTransit consumers.</summary>
public static class TaskProtectionConsumePipeConfiguratorExtensions
{
    /// <summary>
    /// Runs every message consumed by the consumers configured after this call (on the bus: all of them; on a receive
    /// endpoint: that endpoint's) inside a TaskProtection session named <c>masstransit {Consumer}/{Message}</c>: the
    /// consumer starts once protection covers it, and the session ends when consumption ends, including faults and
    /// retries. Called on the bus, it also stops the bus from taking messages once the task starts shutting down, so
    /// in-flight consumers finish protected and the rest stay queued. Mark a consumer
    /// <see cref="DoNotProtectConsumerAttribute"/> to opt it out. Call <c>services.AddTaskProtection()</c> as well.
    /// </summary>
    /// <param name="configurator">The bus (<c>UsingInMemory((context, cfg) =&gt; …)</c> and the like) or a receive endpoint.</param>
    /// <param name="context">The registration context, for the registry <c>AddTaskProtection</c> attached its manager to.</param>
    public static void UseTaskProtection(this IConsumePipeConfigurator configurator, IServiceProvider context)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentNullException.ThrowIfNull(context);
        CriticalSessionRegistry registry = context.GetService<CriticalSessionRegistry>() ?? CriticalSessionRegistry.Default;
        configurator.ConnectConsumerConfigurationObserver(new ConsumerProtectionObserver(registry));
        if (configurator is IBusFactoryConfigurator bus)
        {
            bus.ConnectBusObserver(new StopConsumingOnShutdown(registry));
        }
    }
}
