using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;

namespace TaskProtection;

/// <summary>
/// Where the ECS API is and as whom to call it, resolved the way every AWS SDK does: explicit settings first, then the
/// environment variables, then the shared config files. Environment lookups go through a function so tests can give
/// their own.
/// </summary>
internal sealed record EcsApiTarget(Uri Endpoint, string Region, AWSCredentials Credentials)
{
    public const string EcsEndpointVariable = "AWS_ENDPOINT_URL_ECS";
    public const string EndpointVariable = "AWS_ENDPOINT_URL";
    public const string FipsVariable = "AWS_USE_FIPS_ENDPOINT";
    public const string DualStackVariable = "AWS_USE_DUALSTACK_ENDPOINT";

    public static EcsApiTarget Resolve(EcsApiOptions options, string? taskArn, AWSCredentials? credentials, Func<string, string?> environment)
    {
        string region = ResolveRegion(options, taskArn, environment);
        return new EcsApiTarget(ResolveEndpoint(options, region, environment), region, credentials ?? ResolveCredentials(options.Profile));
    }

    public static string ResolveRegion(EcsApiOptions options, string? taskArn, Func<string, string?> environment)
    {
        string? region = NonEmpty(options.Region)
                         ?? RegionOf(taskArn)
                         ?? NonEmpty(environment("AWS_REGION"))
                         ?? NonEmpty(environment("AWS_DEFAULT_REGION"))
                         ?? ProfileRegion(options.Profile ?? NonEmpty(environment("AWS_PROFILE")));
        return region ?? throw new InvalidOperationException(
            "No AWS region for the ECS API: set --region (the tool), TaskProtection:EcsApi:Region (the library), AWS_REGION, or a region in the AWS profile.");
    }

    /// <summary>
    /// The endpoint: the setting, else <c>AWS_ENDPOINT_URL_ECS</c>, else <c>AWS_ENDPOINT_URL</c>, else ECS's endpoint
    /// rules for the region with FIPS and dual-stack as <c>AWS_USE_FIPS_ENDPOINT</c> and <c>AWS_USE_DUALSTACK_ENDPOINT</c>
    /// say, or else the profile's <c>use_fips_endpoint</c> and <c>use_dualstack_endpoint</c> (an IPv6-only host needs
    /// dual-stack). As in the rules, a custom endpoint with either variant is a configuration error.
    /// </summary>
    public static Uri ResolveEndpoint(EcsApiOptions options, string region, Func<string, string?> environment, EndpointVariants? profile = null)
    {
        profile ??= ProfileVariants(options.Profile ?? NonEmpty(environment("AWS_PROFILE")));
        bool fips = Flag(environment, FipsVariable) ?? profile.UseFips ?? false;
        bool dualStack = Flag(environment, DualStackVariable) ?? profile.UseDualStack ?? false;
        Uri? custom = CustomEndpoint(options, environment);
        if (custom is null)
        {
            return EcsEndpointRules.Resolve(region, fips, dualStack);
        }

        return fips || dualStack
            ? throw new InvalidOperationException(
                $"The ECS endpoint is set ({custom}), and so is {(fips ? "FIPS" : "dual-stack")} ({(fips ? $"{FipsVariable} or use_fips_endpoint" : $"{DualStackVariable} or use_dualstack_endpoint")}): ECS's endpoint rules do not combine a custom endpoint with FIPS or dual-stack. Unset one of them.")
            : custom;
    }

    /// <summary>The profile's <c>use_fips_endpoint</c> and <c>use_dualstack_endpoint</c> (the default profile when none is named).</summary>
    /// <param name="profile">The profile's name.</param>
    /// <param name="credentialsFile">The shared credentials file, its config file beside it; the SDK's usual places when null.</param>
    public static EndpointVariants ProfileVariants(string? profile, string? credentialsFile = null)
    {
        CredentialProfileStoreChain chain = credentialsFile is null ? new() : new(credentialsFile);
        return chain.TryGetProfile(profile ?? "default", out CredentialProfile? found)
            ? new EndpointVariants(found.UseFIPSEndpoint, found.UseDualstackEndpoint)
            : new EndpointVariants(null, null);
    }

    private static Uri? CustomEndpoint(EcsApiOptions options, Func<string, string?> environment)
    {
        if (options.EndpointUrl is { } configured)
        {
            return Checked(configured.OriginalString, "the EndpointUrl setting");
        }

        foreach (string variable in (ReadOnlySpan<string>)[EcsEndpointVariable, EndpointVariable])
        {
            if (NonEmpty(environment(variable)) is { } text)
            {
                return Checked(text, variable);
            }
        }

        return null;
    }

    /// <summary>A boolean variable as the SDKs read it: <c>true</c> or <c>false</c> in any case, anything else an error.</summary>
    private static bool? Flag(Func<string, string?> environment, string variable) => NonEmpty(environment(variable)) switch
    {
        null => null,
        { } text when text.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        { } text when text.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        { } text => throw new InvalidOperationException($"{variable} is '{text}'; it must be true or false."),
    };

    /// <summary>The region part of an ARN (<c>arn:aws:ecs:eu-west-1:123456789012:task/…</c>), if it is one.</summary>
    public static string? RegionOf(string? arn)
    {
        string[]? parts = arn?.Split(':', 6);
        return parts is { Length: 6 } && parts[0] == "arn" && parts[3].Length > 0 ? parts[3] : null;
    }

    private static AWSCredentials ResolveCredentials(string? profile)
    {
        if (profile is null)
        {
            try
            {
                return new DefaultAWSCredentialsIdentityResolver().ResolveIdentity(null!);
            }
            catch (AmazonClientException ex)
            {
                throw new InvalidOperationException(
                    $"No AWS credentials for the ECS API: {ex.Message} Give the task a task role, set AWS_PROFILE or --profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
                    ex);
            }
        }

        if (!new CredentialProfileStoreChain().TryGetAWSCredentials(profile, out AWSCredentials? credentials))
        {
            throw new InvalidOperationException($"The AWS profile '{profile}' was not found or has no credentials in the shared config and credentials files.");
        }

        return credentials;
    }

    private static string? ProfileRegion(string? profile) =>
        new CredentialProfileStoreChain().TryGetProfile(profile ?? "default", out CredentialProfile? found) ? found.Region?.SystemName : null;

    /// <summary>
    /// An endpoint as given, with its path normalized as it will be signed (<c>/ecs//</c> is sent as <c>/ecs/</c>,
    /// a path of its own kept as is, none as <c>/</c>). A query or fragment would be sent but not signed: refused.
    /// </summary>
    private static Uri Checked(string text, string source)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException($"The ECS endpoint from {source}, '{text}', is not an absolute http(s) URI.");
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new InvalidOperationException($"The ECS endpoint from {source}, '{text}', has a query or fragment; an endpoint is a scheme, host, port and path only.");
        }

        return new UriBuilder(uri) { Path = SigV4Signer.NormalizePath(uri.AbsolutePath) }.Uri;
    }

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
