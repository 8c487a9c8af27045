using Microsoft.Extensions.Logging;

namespace TaskProtection;

/// <summary>The core's one message about the deployment check; the check's own messages are in TaskProtection.EcsApi.</summary>
internal static partial class Log
{
    [LoggerMessage(1090, LogLevel.Information, "Deployment-aware drain is off: it needs the {Package} package (the check calls the ECS API with the task role; a trimmed or native AOT app also calls UseDrainOnDeployment()). A deployment replaces a busy task when its protection ends, at MaxProtectionDuration at the latest; set TaskProtection:DrainOnDeployment = false to say nothing.")]
    public static partial void DeploymentDrainNeedsPackage(ILogger logger, string package);
}
