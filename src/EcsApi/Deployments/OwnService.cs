namespace TaskProtection;

/// <summary>Where this task is: its cluster (name or ARN), its service and its ARN, from the task metadata endpoint.</summary>
internal sealed record OwnService(string Cluster, string ServiceName, string TaskArn);
