namespace TaskProtection;

/// <summary>Which variant of ECS's endpoint a source asks for; null where it says nothing.</summary>
/// <param name="UseFips">The FIPS endpoint (<c>ecs-fips</c>).</param>
/// <param name="UseDualStack">The dual-stack endpoint, reachable over IPv6.</param>
internal sealed record EndpointVariants(bool? UseFips, bool? UseDualStack);
