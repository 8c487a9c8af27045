namespace TaskProtection;

/// <summary>How the manager reaches ECS to protect its own task.</summary>
public enum ProtectionBackend
{
    /// <summary>The ECS agent's task-protection endpoint inside the task (<c>ECS_AGENT_URI</c>): no credentials, no network path out. The default.</summary>
    Agent,

    /// <summary>
    /// The ECS API (<c>UpdateTaskProtection</c>, <c>GetTaskProtection</c>) signed with the task role's credentials, for
    /// tasks whose agent endpoint is not available; the cluster and task ARN come from <see cref="EcsApiOptions"/> or the
    /// task metadata endpoint.
    /// </summary>
    EcsApi,
}
