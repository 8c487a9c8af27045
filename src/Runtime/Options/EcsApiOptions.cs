namespace TaskProtection;

/// <summary>
/// Where and as whom to call the ECS API. Every setting is optional: unset ones are found the way every AWS SDK finds
/// them. Bound from <c>TaskProtection:EcsApi</c> when used as <see cref="TaskProtectionOptions.EcsApi"/>.
/// </summary>
public sealed class EcsApiOptions
{
    /// <summary>
    /// The region, for example <c>eu-west-1</c>.
    /// </summary>
    /// <value>Default null: the task ARN's region, else <c>AWS_REGION</c>, else <c>AWS_DEFAULT_REGION</c>, else the profile's region. A region name.</value>
    public string? Region { get; set; }

    /// <summary>
    /// The ECS endpoint, for example a VPC endpoint or a local fake.
    /// </summary>
    /// <value>Default null: <c>AWS_ENDPOINT_URL_ECS</c>, else <c>AWS_ENDPOINT_URL</c>, else ECS's endpoint for the region (<c>https://ecs.{region}.{partition DNS suffix}</c>; <c>ecs-fips</c> and the dual-stack suffix, such as <c>api.aws</c>, when <c>AWS_USE_FIPS_ENDPOINT</c>, <c>AWS_USE_DUALSTACK_ENDPOINT</c> or the profile's <c>use_fips_endpoint</c>, <c>use_dualstack_endpoint</c> ask). An absolute http(s) URI without query; its path is normalized (<c>//</c> and dot segments removed).</value>
    public Uri? EndpointUrl { get; set; }

    /// <summary>
    /// The named profile of the shared AWS config and credentials files.
    /// </summary>
    /// <value>Default null: the default credential chain (environment, web identity, <c>AWS_PROFILE</c> or default profile, ECS container credentials, EC2 instance role).</value>
    public string? Profile { get; set; }

    /// <summary>
    /// With <see cref="ProtectionBackend.EcsApi"/>: the task's cluster (name or ARN).
    /// </summary>
    /// <value>Default null: read from the task metadata endpoint (<c>ECS_CONTAINER_METADATA_URI_V4</c>/task). Set together with <see cref="TaskArn"/>.</value>
    public string? Cluster { get; set; }

    /// <summary>
    /// With <see cref="ProtectionBackend.EcsApi"/>: the task's ARN.
    /// </summary>
    /// <value>Default null: read from the task metadata endpoint (<c>ECS_CONTAINER_METADATA_URI_V4</c>/task). A task ARN, set together with <see cref="Cluster"/>.</value>
    public string? TaskArn { get; set; }

    /// <summary>A copy, so that later changes do not reach a running client.</summary>
    /// <returns>The copy.</returns>
    public EcsApiOptions Clone() => (EcsApiOptions)MemberwiseClone();
}
