using System.Text.RegularExpressions;

namespace TaskProtection;

/// <summary>
/// ECS's endpoint rules (the SDKs' <c>ecs/2014-11-13/endpoint-rule-set-1.json</c>) over AWS's partitions
/// (<c>partitions.json</c>): <c>https://ecs.{region}.{dnsSuffix}</c>; with FIPS <c>ecs-fips</c>; dual-stack (IPv6)
/// with the partition's dual-stack suffix. Every partition supports both, so the rules refuse only a custom endpoint
/// combined with either.
/// </summary>
internal static partial class EcsEndpointRules
{
    private static readonly Partition Aws = new(AwsRegions(), "amazonaws.com", "api.aws");

    /// <summary>In partitions.json's order; a region no pattern matches is in the <c>aws</c> partition.</summary>
    private static readonly Partition[] Partitions =
    [
        Aws,
        new(ChinaRegions(), "amazonaws.com.cn", "api.amazonwebservices.com.cn"),
        new(EuropeanSovereignRegions(), "amazonaws.eu", "api.amazonwebservices.eu"),
        new(IsoRegions(), "c2s.ic.gov", "api.aws.ic.gov"),
        new(IsoBRegions(), "sc2s.sgov.gov", "api.aws.scloud"),
        new(IsoERegions(), "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk"),
        new(IsoFRegions(), "csp.hci.ic.gov", "api.aws.hci.ic.gov"),
        new(GovCloudRegions(), "amazonaws.com", "api.aws"),
    ];

    /// <summary>The endpoint for the region; the caller has already refused a custom endpoint with either variant.</summary>
    public static Uri Resolve(string region, bool useFips, bool useDualStack)
    {
        Partition partition = Array.Find(Partitions, p => p.Regions.IsMatch(region)) ?? Aws;
        string suffix = useDualStack ? partition.DualStackDnsSuffix : partition.DnsSuffix;
        return new Uri($"https://{(useFips ? "ecs-fips" : "ecs")}.{region}.{suffix}/");
    }

    [GeneratedRegex(@"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex AwsRegions();

    [GeneratedRegex(@"^cn\-\w+\-\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex ChinaRegions();

    [GeneratedRegex(@"^eusc\-(de)\-\w+\-\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex EuropeanSovereignRegions();

    [GeneratedRegex(@"^us\-iso\-\w+\-\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoRegions();

    [GeneratedRegex(@"^us\-isob\-\w+\-\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoBRegions();

    [GeneratedRegex(@"^eu\-isoe\-\w+\-\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoERegions();

    [GeneratedRegex(@"^us\-isof\-\w+\-\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoFRegions();

    [GeneratedRegex(@"^us\-gov\-\w+\-\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex GovCloudRegions();

    private sealed record Partition(Regex Regions, string DnsSuffix, string DualStackDnsSuffix);
}
