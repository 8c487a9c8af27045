using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace TaskProtection;

/// <summary>
/// The manager's client when <see cref="TaskProtectionOptions.Backend"/> is <see cref="ProtectionBackend.EcsApi"/>: its
/// own task through the ECS API, found from <see cref="EcsApiOptions"/> or the task metadata endpoint; unavailable mode
/// (sessions tracked, nothing called) where neither says which task it is. Called by <c>UseEcsApi()</c>, and by the
/// core package by name when only configuration chose the ECS API.
/// </summary>
internal static class EcsApiBackend
{
    /// <summary>The HttpClient for the ECS API: the app's IHttpClientFactory defaults (retries, logging) must not apply.</summary>
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = Timeout.InfiniteTimeSpan };

    public static ITaskProtectionClient Create(IServiceProvider services, TaskProtectionOptions options)
    {
        Uri? metadataUri = EnvironmentUris.Read(services, TaskMetadata.MetadataUriVariable);
        if (OwnTaskApiClient.UnavailableReason(options.EcsApi, metadataUri) is { } reason)
        {
            return new UnavailableTaskProtectionClient(reason);
        }

        TimeProvider time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        return new OwnTaskApiClient(Http, options, metadataUri, services.GetService<AWSCredentials>(), time);
    }
}
