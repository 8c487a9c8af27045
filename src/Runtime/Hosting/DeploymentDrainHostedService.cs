using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace TaskProtection;

/// <summary>
/// Starts the deployment check of <see cref="TaskProtectionOptions.DrainOnDeployment"/> with the host, when it is not
/// off: from TaskProtection.EcsApi (<see cref="DeploymentDrainPackage"/>). Without that package, <c>true</c> stops the
/// start naming it, and the default says once that the check needs it. Registered after the manager's own hosted
/// service, so the manager has started (in the starting phase) when this runs.
/// </summary>
internal sealed class DeploymentDrainHostedService(IServiceProvider services, IOptions<TaskProtectionOptions> options, ILoggerFactory? loggers = null) : IHostedService
{
    /// <summary>The log category of the deployment check, in both packages.</summary>
    public const string LogCategory = "TaskProtection.DeploymentDrain";

    private IHostedService? _check;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        bool? wanted = options.Value.DrainOnDeployment;
        if (wanted == false)
        {
            return Task.CompletedTask;
        }

        _check = DeploymentDrainPackage.Find(services);
        if (_check is null)
        {
            if (wanted == true)
            {
                throw new InvalidOperationException(DeploymentDrainPackage.MissingPackage);
            }

            Log.DeploymentDrainNeedsPackage((loggers ?? NullLoggerFactory.Instance).CreateLogger(LogCategory), EcsApiPackage.Name);
            return Task.CompletedTask;
        }

        return _check.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _check?.StopAsync(cancellationToken) ?? Task.CompletedTask;
}
