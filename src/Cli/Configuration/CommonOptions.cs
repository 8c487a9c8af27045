using System.CommandLine;

namespace TaskProtection.Cli.Configuration;

/// <summary>The flags several commands share: where the configuration and the agent are, and how much to log.</summary>
internal static class CommonOptions
{
    public static Option<FileInfo?> Config() => new("--config")
    {
        Description = "A JSON file with a 'TaskProtection' section, read instead of appsettings.json in the working directory. " +
                      "Environment variables TaskProtection__* still override it, as in the library.",
        HelpName = "FILE",
    };

    public static Option<Uri?> AgentUri() => new("--agent-uri")
    {
        Description = "The ECS agent's address. Default: TaskProtection:AgentUri from the configuration, else ECS_AGENT_URI, which ECS sets in every task.",
        HelpName = "URI",
        CustomParser = result => ParseAgentUri(result.Tokens[0].Value, result),
    };

    public static Option<bool> Verbose() => new("--verbose", "-v")
    {
        Description = "Log every agent call (what was asked, what was answered, how long it took) and the manager's decisions on standard error (default: warnings and errors only).",
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Write the result as JSON on standard output.",
    };

    private static Uri? ParseAgentUri(string text, System.CommandLine.Parsing.ArgumentResult result)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        result.AddError($"--agent-uri '{text}' is not an absolute http(s) address such as http://169.254.170.2/v1.");
        return null;
    }
}
