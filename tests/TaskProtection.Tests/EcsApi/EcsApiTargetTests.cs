namespace TaskProtection.Tests.EcsApi;

/// <summary>Region and endpoint found as every AWS SDK finds them.</summary>
public sealed class EcsApiTargetTests
{
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

        Assert.Equal("http://localhost:4566/", EcsApiTarget.ResolveEndpoint(new EcsApiOptions { EndpointUrl = new Uri("http://localhost:4566") }, "us-east-1", Env(("AWS_ENDPOINT_URL_ECS", "http://ecs.local/"))).ToString());
        Assert.Equal("http://ecs.local/", EcsApiTarget.ResolveEndpoint(options, "us-east-1", Env(("AWS_ENDPOINT_URL_ECS", "http://ecs.local/"), ("AWS_ENDPOINT_URL", "http://all.local/"))).ToString());
        Assert.Equal("http://all.local/", EcsApiTarget.ResolveEndpoint(options, "us-east-1", Env(("AWS_ENDPOINT_URL", "http://all.local/"))).ToString());
        Assert.Equal("https://ecs.eu-west-1.amazonaws.com/", EcsApiTarget.ResolveEndpoint(options, "eu-west-1", Env()).ToString());
        Assert.Equal("https://ecs.cn-north-1.amazonaws.com.cn/", EcsApiTarget.ResolveEndpoint(options, "cn-north-1", Env()).ToString());
    }

    [Fact]
    public void A_bad_endpoint_variable_is_named_in_the_error()
    {
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => EcsApiTarget.ResolveEndpoint(new EcsApiOptions(), "us-east-1", Env(("AWS_ENDPOINT_URL_ECS", "localhost:4566"))));

        Assert.Contains("AWS_ENDPOINT_URL_ECS", error.Message, StringComparison.Ordinal);
    }
}
