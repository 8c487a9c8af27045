using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TaskProtection;

/// <summary>
/// Finds the deployment check of <see cref="TaskProtectionOptions.DrainOnDeployment"/> in the TaskProtection.EcsApi
/// package: registered directly by <c>UseDrainOnDeployment()</c> or <c>UseEcsApi()</c> (a keyed service, which trimming
/// keeps), or else by name when the
/// package is merely referenced, as <see cref="EcsApiPackage"/> finds the ECS API backend. The core package depends on
/// no AWS package, so the check (which signs ECS API calls) lives there.
/// </summary>
internal static class DeploymentDrainPackage
{
    /// <summary>The key <c>UseEcsApi()</c> registers the check's hosted service under.</summary>
    public const string ServiceKey = "TaskProtection.DeploymentDrain";

    private const string EntryType = "TaskProtection.DeploymentDrainEntry, " + EcsApiPackage.Name;

    /// <summary>What start-up says when <c>DrainOnDeployment = true</c> and the package is not there.</summary>
    public const string MissingPackage =
        $"TaskProtection:DrainOnDeployment is true, but the {EcsApiPackage.Name} package is not referenced: the check that a deployment is replacing the task calls the ECS API (DescribeServices) with the task role, which lives there. Add it (dotnet add package {EcsApiPackage.Name}), or set DrainOnDeployment to false. (A trimmed or native AOT app must also call services.AddTaskProtection().UseDrainOnDeployment(), or UseEcsApi().)";

    /// <summary>The check as a hosted service, or null when the package is not there.</summary>
    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2075",
        Justification = "Reached only when UseDrainOnDeployment() did not register the check; trimmed and native AOT apps call it, which references the check directly, and start-up says so when the type is gone.")]
    public static IHostedService? Find(IServiceProvider services)
    {
        if (services.GetKeyedService<IHostedService>(ServiceKey) is { } registered)
        {
            return registered;
        }

        MethodInfo? create = Type.GetType(EntryType, throwOnError: false)?.GetMethod("Create", BindingFlags.Public | BindingFlags.Static);
        return (IHostedService?)create?.Invoke(null, [services]);
    }
}
