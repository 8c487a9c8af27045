using System.Text.RegularExpressions;

namespace TaskProtection;

/// <summary>The rules for <see cref="TaskProtectionOptions.Backend"/> and <see cref="TaskProtectionOptions.EcsApi"/>.</summary>
internal static partial class BackendRules
{
    public static void AddFailures(List<string> failures, TaskProtectionOptions options)
    {
        if (!Enum.IsDefined(options.Backend))
        {
            failures.Add($"Backend must be Agent or EcsApi, but is {(int)options.Backend}.");
        }

        if (options.EcsApi is not { } api)
        {
            failures.Add("EcsApi must not be null: leave it out of the configuration to use the defaults.");
            return;
        }

        if (api.EndpointUrl is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"EcsApi:EndpointUrl must be an absolute http(s) URI, such as https://ecs.eu-west-1.amazonaws.com, but is '{endpoint.OriginalString}'.");
        }

        if (api.Region is { } region && !RegionPattern().IsMatch(region))
        {
            failures.Add($"EcsApi:Region must be a region name such as eu-west-1, but is '{region}'.");
        }

        if (api.TaskArn is { Length: > 0 } arn && !TaskArnPattern().IsMatch(arn))
        {
            failures.Add($"EcsApi:TaskArn must be a task ARN (arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/ID), but is '{arn}'.");
        }

        if (string.IsNullOrWhiteSpace(api.Cluster) != string.IsNullOrWhiteSpace(api.TaskArn))
        {
            failures.Add("EcsApi:Cluster and EcsApi:TaskArn go together: set both, or neither to read them from the task metadata endpoint.");
        }
    }

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionPattern();

    [GeneratedRegex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:task/.+$", RegexOptions.CultureInvariant)]
    private static partial Regex TaskArnPattern();
}
