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
    /// <summary>The name of the <see cref="HttpClient"/> used to call the agent.</summary>
    public const string HttpClientName = "TaskProtection.EcsAgent";

    /// <summary>
    /// Adds the protection manager as a hosted service attached to <see cref="CriticalSessionRegistry.Default"/>.
    /// When the host stops (SIGTERM, SIGINT, <c>StopApplication</c>) it requests shutdown (new sessions refused,
    /// <see cref="CriticalSessionRegistry.ShutdownRequested"/> cancelled), waits up to <see cref="TaskProtectionOptions.DrainTimeout"/>
    /// for active sessions with protection renewed, then releases protection; a second signal gives up the wait.
    /// <c>DrainTimeout + RequestTimeout</c> must fit in <c>HostOptions.ShutdownTimeout</c> (30 s by default), or start-up fails
    /// saying so.
    /// Options bind from the configuration section <c>TaskProtection</c>, then <paramref name="configure"/> runs,
    /// and the result is validated at start-up. The agent address is <see cref="TaskProtectionOptions.AgentUri"/>, else
    /// the <c>ECS_AGENT_URI</c> environment variable; without either the manager runs in unavailable mode. With
    /// <see cref="TaskProtectionOptions.Backend"/> = <see cref="ProtectionBackend.EcsApi"/> the task is protected through
    /// the ECS API instead (credentials: a registered <see cref="Amazon.Runtime.AWSCredentials"/>, else the default
    /// chain), found from <c>ECS_CONTAINER_METADATA_URI_V4</c> unless configured. A registered
    /// <see cref="ITaskProtectionClient"/> (for example an in-memory one in tests) is used instead of HTTP.
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

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TaskProtectionOptions>, TaskProtectionOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TaskProtectionOptions>, DrainTimeoutValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(CriticalSessionRegistry.Default);

        // Each call is bounded by RequestTimeout inside EcsAgentClient; the HttpClient's own timeout must not cut it shorter.
        services.AddHttpClient(HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);

        services.TryAddSingleton(CreateManager);
        services.AddHostedService<TaskProtectionHostedService>();
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
        string? unavailableReason = null;
        if (client is null && options.Backend == ProtectionBackend.EcsApi)
        {
            Uri? metadataUri = ReadUri(services, TaskMetadata.MetadataUriVariable);
            unavailableReason = OwnTaskApiClient.UnavailableReason(options.EcsApi, metadataUri);
            if (unavailableReason is null)
            {
                HttpClient http = services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
                client = new OwnTaskApiClient(http, options, metadataUri, services.GetService<Amazon.Runtime.AWSCredentials>(), time);
            }
        }
        else if (client is null)
        {
            Uri? agentUri = options.AgentUri ?? ReadAgentUri(services, out unavailableReason);
            if (agentUri is not null)
            {
                HttpClient http = services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
                client = new EcsAgentClient(http, agentUri, options.RequestTimeout, time);
            }
        }

        client ??= new UnavailableTaskProtectionClient(unavailableReason ?? $"{EcsAgentClient.AgentUriVariable} is not set (not running in ECS)");
        return new TaskProtectionManager(client, options, registry, time, logger, meters);
    }

    private static Uri? ReadAgentUri(IServiceProvider services, out string? unavailableReason)
    {
        Uri? uri = ReadUri(services, EcsAgentClient.AgentUriVariable);
        unavailableReason = uri is null
            ? $"{EcsAgentClient.AgentUriVariable} is not set (not running in ECS, or the task definition does not enable the agent endpoint)"
            : null;
        return uri;
    }

    /// <summary>An address ECS sets in the environment (configuration first, so tests and hosts can set it), or null when unset.</summary>
    private static Uri? ReadUri(IServiceProvider services, string variable)
    {
        string? text = services.GetService<IConfiguration>()?[variable] ?? Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new InvalidOperationException($"{variable} = '{text}' is not an absolute http(s) URI. Unset it to run without protection, or fix its value.");
    }
}
