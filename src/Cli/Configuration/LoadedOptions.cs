namespace TaskProtection.Cli.Configuration;

/// <summary>The options a command runs with, the agent's address if one is known, and where they were read from.</summary>
internal sealed record LoadedOptions(TaskProtectionOptions Options, Uri? AgentUri, string Source);
