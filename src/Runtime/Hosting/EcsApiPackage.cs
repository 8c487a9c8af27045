using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace TaskProtection;

/// <summary>
/// Finds the TaskProtection.EcsApi package when configuration says <c>Backend = EcsApi</c> but the app did not call
/// <c>UseEcsApi()</c>: the core package depends on no AWS package, so the ECS API path lives there.
/// </summary>
internal static class EcsApiPackage
{
    public const string Name = "TaskProtection.EcsApi";
    private const string BackendType = "TaskProtection.EcsApiBackend, " + Name;

    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2075",
        Justification = "Reached only from configuration alone; trimmed and native AOT apps call UseEcsApi(), which references the backend directly, and the message says so when the type is gone.")]
    public static ITaskProtectionClient CreateClient(IServiceProvider services, TaskProtectionOptions options)
    {
        MethodInfo? create = Type.GetType(BackendType, throwOnError: false)?.GetMethod("Create", BindingFlags.Public | BindingFlags.Static);
        if (create is null)
        {
            throw new InvalidOperationException(
                $"TaskProtection:Backend is EcsApi, but the {Name} package is not referenced: add it (dotnet add package {Name}) and call services.AddTaskProtection().UseEcsApi(), or set Backend to Agent. (A trimmed or native AOT app must call UseEcsApi() even with the package referenced.)");
        }

        return (ITaskProtectionClient)create.Invoke(null, [services, options])!;
    }
}
