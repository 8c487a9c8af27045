using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TaskProtection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The ECS API path: protection through the ECS API instead of the agent endpoint, and the deployment check.</summary>
public static class EcsApiServiceCollectionExtensions
{
    /// <summary>
    /// Protects the task through the ECS API (<c>UpdateTaskProtection</c>) with the task role's credentials, for tasks whose
    /// agent endpoint is not available. Call it after <c>AddTaskProtection</c>: it sets
    /// <see cref="TaskProtectionOptions.Backend"/> to <see cref="ProtectionBackend.EcsApi"/> whatever configuration says. The
    /// cluster and task ARN come from <see cref="TaskProtectionOptions.EcsApi"/> or the task metadata endpoint
    /// (<c>ECS_CONTAINER_METADATA_URI_V4</c>); credentials from a registered <see cref="Amazon.Runtime.AWSCredentials"/>, else
    /// the profile in <see cref="EcsApiOptions.Profile"/>, else AWSSDK.Core's default chain. The task role needs
    /// <c>ecs:UpdateTaskProtection</c> and <c>ecs:GetTaskProtection</c>. It also registers the deployment check of
    /// <see cref="TaskProtectionOptions.DrainOnDeployment"/> (which needs <c>ecs:DescribeServices</c> and
    /// <c>ecs:DescribeTasks</c>; see <see cref="UseDrainOnDeployment"/>).
    /// </summary>
    /// <param name="services">The services, with <c>AddTaskProtection</c> called.</param>
    /// <param name="configure">Changes to the ECS API settings after binding (<c>TaskProtection:EcsApi</c>); optional.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection UseEcsApi(this IServiceCollection services, Action<EcsApiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.Configure<TaskProtectionOptions>(options =>
        {
            options.Backend = ProtectionBackend.EcsApi;
            configure?.Invoke(options.EcsApi);
        });
        services.TryAddSingleton(static provider => EcsApiBackend.Create(provider, provider.GetRequiredService<IOptions<TaskProtectionOptions>>().Value));
        return services.UseDrainOnDeployment();
    }

    /// <summary>
    /// Registers the deployment check of <see cref="TaskProtectionOptions.DrainOnDeployment"/> directly, keeping the agent
    /// path (<see cref="TaskProtectionOptions.Backend"/> unchanged): while the task is protected, it asks ECS every
    /// <see cref="TaskProtectionOptions.DeploymentCheckInterval"/> whether the task's service is replacing it, and then
    /// stops taking work. With this package referenced the core finds the check by name anyway; a trimmed or native AOT
    /// app calls this (or <see cref="UseEcsApi"/>) so that trimming keeps it. The task role needs
    /// <c>ecs:DescribeServices</c> and <c>ecs:DescribeTasks</c>; region, endpoint and profile come from
    /// <see cref="TaskProtectionOptions.EcsApi"/>.
    /// </summary>
    /// <param name="services">The services, with <c>AddTaskProtection</c> called.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection UseDrainOnDeployment(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        // Referenced here so that trimming keeps it; the core's hosted service starts it unless DrainOnDeployment is false.
        services.TryAddKeyedSingleton<IHostedService>(DeploymentDrainEntry.ServiceKey, static (provider, _) => DeploymentDrainEntry.Create(provider));
        return services;
    }
}
