using Microsoft.Extensions.Time.Testing;
using TaskProtection.Testing;

namespace TaskProtection.Tests.EcsApi;

/// <summary>What the ECS API path survives that the AWS SDKs survive: a skewed clock, and a target that resolves only later.</summary>
public sealed class EcsApiResilienceTests : IAsyncLifetime
{
    private const string Cluster = "jobs";
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private FakeEcsApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeEcsApi.StartAsync();

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _http.Dispose();
    }

    [Theory]
    [InlineData(10)]
    [InlineData(-10)]
    [InlineData(60 * 24)]
    public async Task A_clock_skewed_past_the_signature_window_is_corrected_from_the_servers_Date_and_the_call_retried(int skewMinutes)
    {
        string task = _api.Model.AddServiceTasks(Cluster, "video", 1)[0];
        var skewed = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(skewMinutes));
        var client = new EcsApiTaskProtectionClient(_http, Options(), credentials: _api.Credentials.ToAwsCredentials(), timeProvider: skewed);

        EcsTaskProtectionResult first = await client.UpdateTaskProtectionAsync(Cluster, [task], true, 30);
        EcsTaskProtectionResult second = await client.GetTaskProtectionAsync(Cluster, [task]);

        Assert.True(Assert.Single(first.ProtectedTasks).ProtectionEnabled);
        Assert.Single(second.ProtectedTasks);

        // One signature refused as expired, then every call signed on the corrected clock.
        Assert.Equal(["InvalidSignatureException", null, null], _api.Model.Calls.Select(c => c.ErrorType));
    }

    [Fact]
    public async Task A_bad_key_is_not_retried_as_if_the_clock_were_wrong()
    {
        string task = _api.Model.AddServiceTasks(Cluster, "video", 1)[0];
        var client = new EcsApiTaskProtectionClient(_http, Options(), credentials: new Amazon.Runtime.BasicAWSCredentials("AKIDEXAMPLE", "wrong"));

        TaskProtectionCallException refused = await Assert.ThrowsAsync<TaskProtectionCallException>(() => client.UpdateTaskProtectionAsync(Cluster, [task], true, 30));

        Assert.False(refused.IsRetryable);
        Assert.Single(_api.Model.Calls);
    }

    [Fact]
    public async Task A_target_that_cannot_be_resolved_yet_is_resolved_again_by_the_next_call()
    {
        string task = _api.Model.AddServiceTasks(Cluster, "video", 1)[0];
        string? region = null;
        var client = new EcsApiTaskProtectionClient(
            _http,
            new EcsApiOptions { EndpointUrl = _api.EndpointUri },
            requestTimeout: null,
            _api.Credentials.ToAwsCredentials(),
            timeProvider: null,
            environment: name => name == "AWS_REGION" ? region : null);

        await Assert.ThrowsAsync<TaskProtectionCallException>(() => client.UpdateTaskProtectionAsync(Cluster, [task], true, 30));
        region = _api.Model.Region;
        EcsTaskProtectionResult result = await client.UpdateTaskProtectionAsync(Cluster, [task], true, 30);

        Assert.True(Assert.Single(result.ProtectedTasks).ProtectionEnabled);
        Assert.Equal(_api.Model.Region, client.Region);
    }

    private EcsApiOptions Options() => new() { EndpointUrl = _api.EndpointUri, Region = _api.Model.Region };
}
