namespace TaskProtection.Tests.EcsApi;

/// <summary>Region and endpoint found as every AWS SDK finds them.</summary>
public sealed class EcsApiTargetTests
{
    private static readonly EndpointVariants NoProfile = new(null, null);

    /// <summary>
    /// botocore's tests of ECS's endpoint rules (tests/functional/endpoint-rules/ecs/endpoint-tests-1.json): region,
    /// FIPS, dual-stack, endpoint; then the partitions those tests leave out (botocore's data/partitions.json) and a
    /// region no partition names, which the rules put in the aws partition.
    /// </summary>
    public static TheoryData<string, bool, bool, string> EndpointRuleTests => new()
    {
        { "af-south-1", false, false, "https://ecs.af-south-1.amazonaws.com/" },
        { "ap-east-1", false, false, "https://ecs.ap-east-1.amazonaws.com/" },
        { "ap-northeast-1", false, false, "https://ecs.ap-northeast-1.amazonaws.com/" },
        { "ap-northeast-2", false, false, "https://ecs.ap-northeast-2.amazonaws.com/" },
        { "ap-northeast-3", false, false, "https://ecs.ap-northeast-3.amazonaws.com/" },
        { "ap-south-1", false, false, "https://ecs.ap-south-1.amazonaws.com/" },
        { "ap-southeast-1", false, false, "https://ecs.ap-southeast-1.amazonaws.com/" },
        { "ap-southeast-2", false, false, "https://ecs.ap-southeast-2.amazonaws.com/" },
        { "ap-southeast-3", false, false, "https://ecs.ap-southeast-3.amazonaws.com/" },
        { "ca-central-1", false, false, "https://ecs.ca-central-1.amazonaws.com/" },
        { "eu-central-1", false, false, "https://ecs.eu-central-1.amazonaws.com/" },
        { "eu-north-1", false, false, "https://ecs.eu-north-1.amazonaws.com/" },
        { "eu-south-1", false, false, "https://ecs.eu-south-1.amazonaws.com/" },
        { "eu-west-1", false, false, "https://ecs.eu-west-1.amazonaws.com/" },
        { "eu-west-2", false, false, "https://ecs.eu-west-2.amazonaws.com/" },
        { "eu-west-3", false, false, "https://ecs.eu-west-3.amazonaws.com/" },
        { "me-south-1", false, false, "https://ecs.me-south-1.amazonaws.com/" },
        { "sa-east-1", false, false, "https://ecs.sa-east-1.amazonaws.com/" },
        { "us-east-1", false, false, "https://ecs.us-east-1.amazonaws.com/" },
        { "us-east-1", true, false, "https://ecs-fips.us-east-1.amazonaws.com/" },
        { "us-east-2", false, false, "https://ecs.us-east-2.amazonaws.com/" },
        { "us-east-2", true, false, "https://ecs-fips.us-east-2.amazonaws.com/" },
        { "us-west-1", false, false, "https://ecs.us-west-1.amazonaws.com/" },
        { "us-west-1", true, false, "https://ecs-fips.us-west-1.amazonaws.com/" },
        { "us-west-2", false, false, "https://ecs.us-west-2.amazonaws.com/" },
        { "us-west-2", true, false, "https://ecs-fips.us-west-2.amazonaws.com/" },
        { "us-east-1", true, true, "https://ecs-fips.us-east-1.api.aws/" },
        { "us-east-1", false, true, "https://ecs.us-east-1.api.aws/" },
        { "cn-north-1", false, false, "https://ecs.cn-north-1.amazonaws.com.cn/" },
        { "cn-northwest-1", false, false, "https://ecs.cn-northwest-1.amazonaws.com.cn/" },
        { "cn-north-1", true, true, "https://ecs-fips.cn-north-1.api.amazonwebservices.com.cn/" },
        { "cn-north-1", true, false, "https://ecs-fips.cn-north-1.amazonaws.com.cn/" },
        { "cn-north-1", false, true, "https://ecs.cn-north-1.api.amazonwebservices.com.cn/" },
        { "us-gov-east-1", false, false, "https://ecs.us-gov-east-1.amazonaws.com/" },
        { "us-gov-east-1", true, false, "https://ecs-fips.us-gov-east-1.amazonaws.com/" },
        { "us-gov-west-1", false, false, "https://ecs.us-gov-west-1.amazonaws.com/" },
        { "us-gov-west-1", true, false, "https://ecs-fips.us-gov-west-1.amazonaws.com/" },
        { "us-gov-east-1", true, true, "https://ecs-fips.us-gov-east-1.api.aws/" },
        { "us-gov-east-1", false, true, "https://ecs.us-gov-east-1.api.aws/" },
        { "us-iso-east-1", false, false, "https://ecs.us-iso-east-1.c2s.ic.gov/" },
        { "us-iso-west-1", false, false, "https://ecs.us-iso-west-1.c2s.ic.gov/" },
        { "us-iso-east-1", true, false, "https://ecs-fips.us-iso-east-1.c2s.ic.gov/" },
        { "us-isob-east-1", false, false, "https://ecs.us-isob-east-1.sc2s.sgov.gov/" },
        { "us-isob-east-1", true, false, "https://ecs-fips.us-isob-east-1.sc2s.sgov.gov/" },
        { "eusc-de-east-1", false, true, "https://ecs.eusc-de-east-1.api.amazonwebservices.eu/" },
        { "us-isof-south-1", true, true, "https://ecs-fips.us-isof-south-1.api.aws.hci.ic.gov/" },
        { "eu-isoe-west-1", false, false, "https://ecs.eu-isoe-west-1.cloud.adc-e.uk/" },
        { "xx-future-1", false, true, "https://ecs.xx-future-1.api.aws/" },
    };

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void The_region_comes_from_the_setting_then_the_task_ARN_then_the_environment()
    {
        const string Arn = "arn:aws:ecs:eu-west-3:123456789012:task/jobs/abc";

        Assert.Equal("ap-south-1", EcsApiTarget.ResolveRegion(new EcsApiOptions { Region = "ap-south-1" }, Arn, Env(("AWS_REGION", "us-west-2"))));
        Assert.Equal("eu-west-3", EcsApiTarget.ResolveRegion(new EcsApiOptions(), Arn, Env(("AWS_REGION", "us-west-2"))));
        Assert.Equal("us-west-2", EcsApiTarget.ResolveRegion(new EcsApiOptions(), null, Env(("AWS_REGION", "us-west-2"), ("AWS_DEFAULT_REGION", "eu-north-1"))));
        Assert.Equal("eu-north-1", EcsApiTarget.ResolveRegion(new EcsApiOptions(), null, Env(("AWS_DEFAULT_REGION", "eu-north-1"))));
    }

    [Fact]
    public void The_endpoint_comes_from_the_setting_then_AWS_ENDPOINT_URL_ECS_then_AWS_ENDPOINT_URL_then_the_partition()
    {
        var options = new EcsApiOptions();

        Assert.Equal("http://localhost:4566/", EcsApiTarget.ResolveEndpoint(new EcsApiOptions { EndpointUrl = new Uri("http://localhost:4566") }, "us-east-1", Env(("AWS_ENDPOINT_URL_ECS", "http://ecs.local/")), NoProfile).ToString());
        Assert.Equal("http://ecs.local/", EcsApiTarget.ResolveEndpoint(options, "us-east-1", Env(("AWS_ENDPOINT_URL_ECS", "http://ecs.local/"), ("AWS_ENDPOINT_URL", "http://all.local/")), NoProfile).ToString());
        Assert.Equal("http://all.local/", EcsApiTarget.ResolveEndpoint(options, "us-east-1", Env(("AWS_ENDPOINT_URL", "http://all.local/")), NoProfile).ToString());
        Assert.Equal("https://ecs.eu-west-1.amazonaws.com/", EcsApiTarget.ResolveEndpoint(options, "eu-west-1", Env(), NoProfile).ToString());
        Assert.Equal("https://ecs.cn-north-1.amazonaws.com.cn/", EcsApiTarget.ResolveEndpoint(options, "cn-north-1", Env(), NoProfile).ToString());
    }

    [Fact]
    public void A_bad_endpoint_variable_is_named_in_the_error()
    {
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => EcsApiTarget.ResolveEndpoint(new EcsApiOptions(), "us-east-1", Env(("AWS_ENDPOINT_URL_ECS", "localhost:4566")), NoProfile));

        Assert.Contains("AWS_ENDPOINT_URL_ECS", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EndpointRuleTests))]
    public void The_endpoint_follows_ECSs_endpoint_rules(string region, bool fips, bool dualStack, string endpoint)
    {
        Assert.Equal(endpoint, EcsApiTarget.ResolveEndpoint(new EcsApiOptions(), region, Env(), new EndpointVariants(fips, dualStack)).ToString());
    }

    [Theory]
    [InlineData("true", null, "https://ecs-fips.eu-west-1.amazonaws.com/")]
    [InlineData("TRUE", false, "https://ecs-fips.eu-west-1.amazonaws.com/")]
    [InlineData("false", true, "https://ecs.eu-west-1.amazonaws.com/")]
    [InlineData(null, true, "https://ecs-fips.eu-west-1.amazonaws.com/")]
    [InlineData("", true, "https://ecs-fips.eu-west-1.amazonaws.com/")]
    public void AWS_USE_FIPS_ENDPOINT_comes_before_the_profiles_use_fips_endpoint(string? variable, bool? profile, string endpoint)
    {
        Func<string, string?> env = variable is null ? Env() : Env(("AWS_USE_FIPS_ENDPOINT", variable));

        Assert.Equal(endpoint, EcsApiTarget.ResolveEndpoint(new EcsApiOptions(), "eu-west-1", env, new EndpointVariants(profile, null)).ToString());
    }

    [Fact]
    public void An_IPv6_only_host_gets_the_dual_stack_endpoint_from_AWS_USE_DUALSTACK_ENDPOINT_or_the_profile()
    {
        Assert.Equal("https://ecs.ap-south-1.api.aws/", EcsApiTarget.ResolveEndpoint(new EcsApiOptions(), "ap-south-1", Env(("AWS_USE_DUALSTACK_ENDPOINT", "true")), NoProfile).ToString());
        Assert.Equal("https://ecs.ap-south-1.api.aws/", EcsApiTarget.ResolveEndpoint(new EcsApiOptions(), "ap-south-1", Env(), new EndpointVariants(null, true)).ToString());
        Assert.Equal("https://ecs.ap-south-1.amazonaws.com/", EcsApiTarget.ResolveEndpoint(new EcsApiOptions(), "ap-south-1", Env(("AWS_USE_DUALSTACK_ENDPOINT", "false")), new EndpointVariants(null, true)).ToString());
    }

    [Theory]
    [InlineData("AWS_USE_FIPS_ENDPOINT", "FIPS")]
    [InlineData("AWS_USE_DUALSTACK_ENDPOINT", "dual-stack")]
    public void A_custom_endpoint_with_FIPS_or_dual_stack_is_refused_as_the_rules_refuse_it(string variable, string named)
    {
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(
            () => EcsApiTarget.ResolveEndpoint(new EcsApiOptions { EndpointUrl = new Uri("https://example.com") }, "us-east-1", Env((variable, "true")), NoProfile));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Contains("https://example.com", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flag_that_is_neither_true_nor_false_is_named_in_the_error()
    {
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => EcsApiTarget.ResolveEndpoint(new EcsApiOptions(), "us-east-1", Env(("AWS_USE_FIPS_ENDPOINT", "1")), NoProfile));

        Assert.Contains("AWS_USE_FIPS_ENDPOINT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_profiles_use_fips_endpoint_and_use_dualstack_endpoint_are_read_from_the_shared_config()
    {
        DirectoryInfo directory = Directory.CreateTempSubdirectory("taskprotection-config-");
        try
        {
            string credentials = Path.Combine(directory.FullName, "credentials");
            File.WriteAllText(credentials, "[ops]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n");
            File.WriteAllText(Path.Combine(directory.FullName, "config"), "[profile ops]\nuse_fips_endpoint = true\n[default]\nuse_dualstack_endpoint = true\n");

            Assert.Equal(new EndpointVariants(true, null), EcsApiTarget.ProfileVariants("ops", credentials));
            Assert.Equal(new EndpointVariants(null, true), EcsApiTarget.ProfileVariants(null, credentials));
            Assert.Equal(new EndpointVariants(null, null), EcsApiTarget.ProfileVariants("absent", credentials));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
