using System.CommandLine;

namespace TaskProtection.Cli.Configuration;

/// <summary>The flags of the commands that call the ECS API: which cluster, and where and as whom to call.</summary>
internal sealed class ApiOptions
{
    public Option<string> Cluster { get; } = new("--cluster", "-c")
    {
        Description = "The cluster's name or ARN.",
        HelpName = "CLUSTER",
        Required = true,
    };

    public Option<string?> Region { get; } = new("--region")
    {
        Description = "The AWS region. Default: AWS_REGION, AWS_DEFAULT_REGION, or the profile's region.",
        HelpName = "REGION",
    };

    public Option<Uri?> EndpointUrl { get; } = new("--endpoint-url")
    {
        Description = "The ECS endpoint (a VPC endpoint, a local fake). Default: AWS_ENDPOINT_URL_ECS, AWS_ENDPOINT_URL, or the region's public endpoint.",
        HelpName = "URL",
        CustomParser = result =>
        {
            string text = result.Tokens[0].Value;
            if (Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                return uri;
            }

            result.AddError($"--endpoint-url '{text}' is not an absolute http(s) URL such as https://ecs.eu-west-1.amazonaws.com.");
            return null;
        },
    };

    public Option<string?> Profile { get; } = new("--profile")
    {
        Description = "A named profile of the AWS config and credentials files. Default: AWS_PROFILE, else the default credential chain.",
        HelpName = "PROFILE",
    };

    public IEnumerable<Option> All => [Cluster, Region, EndpointUrl, Profile];

    /// <summary>A client for what the command line says; nothing is resolved or called yet.</summary>
    public EcsApiTaskProtectionClient CreateClient(ParseResult parsed, HttpClient http) =>
        new(http, new EcsApiOptions
        {
            Region = parsed.GetValue(Region),
            EndpointUrl = parsed.GetValue(EndpointUrl),
            Profile = parsed.GetValue(Profile),
        });

    /// <summary>Runs an API call, turning its failure into the tool's one-line error.</summary>
    public static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (TaskProtectionCallException failure)
        {
            throw new CliException(failure.Message + (failure.IsRetryable ? " Trying again may help." : string.Empty));
        }
    }
}
