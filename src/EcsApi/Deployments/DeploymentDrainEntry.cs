using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace TaskProtection;

/// <summary>
/// Builds the deployment check of <see cref="TaskProtectionOptions.DrainOnDeployment"/> as a hosted service. Registered
/// by <c>UseDrainOnDeployment()</c> (and <c>UseEcsApi()</c>), and found by name by the core package when this package is
/// merely referenced; the core's own hosted service starts it when the option is not off.
/// </summary>
internal static class DeploymentDrainEntry
{
    /// <summary>The check's own HttpClient, for the task metadata endpoint and the ECS API: never the manager's.</summary>
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>The key the core looks the check up by; the core's <c>DeploymentDrainPackage.ServiceKey</c>.</summary>
    public const string ServiceKey = "TaskProtection.DeploymentDrain";

    public static IHostedService Create(IServiceProvider services)
    {
        TaskProtectionOptions options = services.GetRequiredService<IOptions<TaskProtectionOptions>>().Value;
        TaskProtectionManager manager = services.GetRequiredService<TaskProtectionManager>();
        TimeProvider time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        ILogger logger = (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("TaskProtection.DeploymentDrain");
        Uri? metadataUri = EnvironmentUris.Read(services, TaskMetadata.MetadataUriVariable);
        AWSCredentials? credentials = services.GetService<AWSCredentials>();

        var check = new DeploymentCheck(
            cancellationToken => FindOwnServiceAsync(metadataUri!, options, time, cancellationToken),
            task => new EcsApiTaskProtectionClient(Http, ApiOptionsFor(options.EcsApi, task), options.RequestTimeout, credentials, time));
        var watcher = new DeploymentWatcher(manager, check, options.DeploymentCheckInterval, time, logger, Random.Shared.NextDouble);
        return new DeploymentWatchService(manager, watcher, check, metadataUri, options.DrainOnDeployment == true, logger);
    }

    private static async Task<OwnService?> FindOwnServiceAsync(Uri metadataUri, TaskProtectionOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        TaskMetadata task = await TaskMetadata.ReadAsync(Http, metadataUri, options.RequestTimeout, time, cancellationToken).ConfigureAwait(false);
        return task.ServiceName is { } service ? new OwnService(task.Cluster, service, task.TaskArn) : null;
    }

    /// <summary>The app's region, endpoint and profile; the region from the task's ARN unless set.</summary>
    private static EcsApiOptions ApiOptionsFor(EcsApiOptions configured, OwnService task)
    {
        EcsApiOptions api = configured.Clone();
        api.TaskArn = task.TaskArn;
        return api;
    }
}
