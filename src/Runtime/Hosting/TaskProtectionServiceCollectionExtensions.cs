using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskProtection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers TaskProtection in a generic host.</summary>
public static class TaskProtectionServiceCollectionExtensions
{
    /// <summary>
    /// Adds the protection manager as a hosted service attached to <see cref="CriticalSessionRegistry.Default"/>.
    /// When the host stops (SIGTERM, SIGINT, <c>StopApplication</c>) it requests shutdown (new sessions refused,
    /// <see cref="CriticalSessionRegistry.ShutdownRequested"/> cancelled), waits up to <see cref="TaskProtectionOptions.DrainTimeout"/>
    /// for active sessions with protection renewed, then releases protection; a second signal gives up the wait.
    /// <c>DrainTimeout + RequestTimeout</c> must fit in <c>HostOptions.ShutdownTimeout</c> (30 s by default), or start-up fails
    /// saying so.
    /// Options bind from the configuration section <c>TaskProtection</c>, then <paramref name="configure"/> runs,
    /// and the result is validated at start-up; a key under <c>TaskProtection</c> that names no option fails start-up too,
    /// with the nearest option's name. The agent address is <see cref="TaskProtectionOptions.AgentUri"/>, else
    /// the <c>ECS_AGENT_URI</c> environment variable; without either the manager runs in unavailable mode. With
    /// <see cref="TaskProtectionOptions.Backend"/> = <see cref="ProtectionBackend.EcsApi"/> the task is protected through
    /// the ECS API instead, which needs the TaskProtection.EcsApi package (and its <c>UseEcsApi()</c>). A registered
    /// <see cref="ITaskProtectionClient"/> (for example an in-memory one in tests) is used instead of HTTP. Unless
    /// <see cref="TaskProtectionOptions.DrainOnDeployment"/> is false, the deployment check of the TaskProtection.EcsApi
    /// package starts with the host when that package is there (the task then stops taking work as soon as its service
    /// is replacing it); without the package one line says it is off, and <c>DrainOnDeployment = true</c> stops the start.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes to the options after binding; optional.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddTaskProtection(this IServiceCollection services, Action<TaskProtectionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        OptionsBuilder<TaskProtectionOptions> options = services.AddOptions<TaskProtectionOptions>()
            .BindConfiguration(TaskProtectionOptions.SectionName)
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        // One validator for every start-up check, so that the host reports one message of sentences.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TaskProtectionOptions>, StartupValidator>(
            static sp => new StartupValidator(sp.GetRequiredService<IOptions<HostOptions>>(), sp.GetService<IConfiguration>())));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(CriticalSessionRegistry.Default);

        services.TryAddSingleton(CreateManager);
        services.AddHostedService<TaskProtectionHostedService>();

        // After the manager's: the deployment check (TaskProtection.EcsApi) watches a started manager.
        services.AddHostedService<DeploymentDrainHostedService>();
        return services;
    }

    private static TaskProtectionManager CreateManager(IServiceProvider services)
    {
        TaskProtectionOptions options = services.GetRequiredService<IOptions<TaskProtectionOptions>>().Value;
        TimeProvider time = services.GetRequiredService<TimeProvider>();
        CriticalSessionRegistry registry = services.GetRequiredService<CriticalSessionRegistry>();
        ILogger<TaskProtectionManager>? logger = services.GetService<ILogger<TaskProtectionManager>>();
        System.Diagnostics.Metrics.IMeterFactory? meters = services.GetService<System.Diagnostics.Metrics.IMeterFactory>();

        ITaskProtectionClient? client = services.GetService<ITaskProtectionClient>();
        if (client is null && options.Backend == ProtectionBackend.EcsApi)
        {
            client = EcsApiPackage.CreateClient(services, options);
        }
        else if (client is null)
        {
            Uri? agentUri = options.AgentUri ?? EnvironmentUris.Read(services, EcsAgentClient.AgentUriVariable);
            client = agentUri is not null
                ? new EcsAgentClient(AgentHttp.Shared, agentUri, options.RequestTimeout, time)
                : new UnavailableTaskProtectionClient($"{EcsAgentClient.AgentUriVariable} is not set (not running in ECS, or the task definition does not enable the agent endpoint)");
        }

        return new TaskProtectionManager(client, options, registry, time, logger, meters);
    }
}
