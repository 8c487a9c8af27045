using Microsoft.Extensions.Configuration;

namespace TaskProtection.Cli.Configuration;

/// <summary>
/// Reads <see cref="TaskProtectionOptions"/> from the same places as the library: the <c>TaskProtection</c> section of
/// <c>appsettings.json</c> in the working directory (or the file given with <c>--config</c>), then environment variables
/// <c>TaskProtection__*</c>; the agent's address falls back to <c>ECS_AGENT_URI</c>. Then the command's flags apply, and the
/// result is validated exactly as the library validates it at start-up.
/// </summary>
internal static class OptionsLoader
{
    public const string DefaultFileName = "appsettings.json";

    public static LoadedOptions Load(FileInfo? configFile, Action<TaskProtectionOptions>? flags = null, Uri? agentUriFlag = null)
    {
        IConfiguration configuration = Build(configFile, out string source);
        // Unknown keys are errors, found by the library's own check: a misspelt option would otherwise be silently ignored.
        IReadOnlyList<string> unknown = UnknownSettings.Find(configuration);
        if (unknown.Count > 0)
        {
            throw new CliException(unknown.Count == 1
                ? $"{source}: {unknown[0]}"
                : $"{source}:{Environment.NewLine}  - " + string.Join(Environment.NewLine + "  - ", unknown));
        }

        var options = new TaskProtectionOptions();
        try
        {
            configuration.GetSection(TaskProtectionOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException invalid)
        {
            throw new CliException($"{source}: {Describe(invalid)}");
        }

        flags?.Invoke(options);
        Uri? agentUri = agentUriFlag ?? options.AgentUri ?? ReadAgentUriVariable(configuration);
        return new LoadedOptions(options, agentUri, source);
    }

    /// <summary>Throws a <see cref="CliException"/> listing every rule the options break, as start-up would.</summary>
    public static void Validate(LoadedOptions loaded)
    {
        IReadOnlyList<string> failures = TaskProtectionOptionsValidator.FindFailures(loaded.Options);
        if (failures.Count > 0)
        {
            throw new CliException($"the configuration ({loaded.Source}) is invalid:{Environment.NewLine}  - " + string.Join(Environment.NewLine + "  - ", failures));
        }
    }

    private static IConfiguration Build(FileInfo? configFile, out string source)
    {
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            if (!configFile.Exists)
            {
                throw new CliException($"--config {configFile.FullName}: no such file.");
            }

            builder.AddJsonFile(configFile.FullName, optional: false, reloadOnChange: false);
            source = configFile.FullName;
        }
        else
        {
            string defaultFile = Path.Combine(Directory.GetCurrentDirectory(), DefaultFileName);
            builder.AddJsonFile(defaultFile, optional: true, reloadOnChange: false);
            source = File.Exists(defaultFile) ? defaultFile : "defaults";
        }

        builder.AddEnvironmentVariables();
        source += " + environment";
        try
        {
            return builder.Build();
        }
        catch (InvalidDataException malformed)
        {
            throw new CliException($"{source}: {Describe(malformed)}");
        }
    }

    private static Uri? ReadAgentUriVariable(IConfiguration configuration)
    {
        string? text = configuration[EcsAgentClient.AgentUriVariable];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException($"{EcsAgentClient.AgentUriVariable} = '{text}' is not an absolute http(s) URI. Unset it, or fix its value.");
        }

        return uri;
    }

    private static string Describe(Exception failure) =>
        failure.InnerException is { } inner ? $"{failure.Message} ({inner.Message})" : failure.Message;
}
