using Amazon.Runtime;
using TaskProtection.Testing;

namespace TaskProtection.Tests.EcsApi;

/// <summary>
/// An endpoint with a path of its own (a proxy, say) over real HTTP: the request goes to the normalized path, and the
/// fake's own SigV4 verifier, which canonicalizes the path it receives, accepts the signature.
/// </summary>
public sealed class EcsApiEndpointPathTests : IAsyncLifetime
{
    private static readonly FakeEcsApiCredentials Key = new("AKIDPATHTEST00000001", "path/secret");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<(string Path, EcsApiError? Refusal)> _received = [];
    private LoopbackHttpServer _server = null!;

    public Task InitializeAsync()
    {
        _server = new LoopbackHttpServer(async (stream, request, stopping) =>
        {
            var keys = new Dictionary<string, FakeEcsApiCredentials> { [Key.AccessKeyId] = Key };
            EcsApiError? refusal = SigV4Verifier.Verify(request, $"127.0.0.1:{_server.Port}", keys, "us-east-1", "ecs", DateTimeOffset.UtcNow);
            lock (_received)
            {
                _received.Add((request.Path, refusal));
            }

            string body = refusal is null ? "{\"protectedTasks\":[],\"failures\":[]}" : $"{{\"__type\":\"{refusal.Type}\",\"message\":\"{refusal.Message}\"}}";
            await LoopbackHttpServer.WriteAsync(stream, refusal?.StatusCode ?? 200, "application/x-amz-json-1.1", body, keepAlive: true, stopping);
            return true;
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
    }

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/ecs", "/ecs")]
    [InlineData("/proxy//ecs/", "/proxy/ecs/")]
    [InlineData("/proxy/./v1/../ecs", "/proxy/ecs")]
    [InlineData("/with%20space/ecs/", "/with%20space/ecs/")]
    public async Task The_path_sent_is_the_normalized_one_and_its_signature_holds(string endpointPath, string sentPath)
    {
        var client = new EcsApiTaskProtectionClient(
            _http,
            new EcsApiOptions { EndpointUrl = new Uri($"http://127.0.0.1:{_server.Port}{endpointPath}"), Region = "us-east-1" },
            TimeSpan.FromSeconds(30),
            new BasicAWSCredentials(Key.AccessKeyId, Key.SecretAccessKey));

        await client.GetTaskProtectionAsync("jobs", ["arn:aws:ecs:us-east-1:123456789012:task/jobs/abc"]);

        (string path, EcsApiError? refusal) = Assert.Single(_received);
        Assert.Equal(sentPath, path);
        Assert.Null(refusal);
    }

    [Fact]
    public void An_endpoint_with_a_query_is_refused_before_anything_is_sent()
    {
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(
            () => EcsApiTarget.ResolveEndpoint(new EcsApiOptions { EndpointUrl = new Uri("https://proxy.example/ecs?x=1") }, "us-east-1", _ => null, new EndpointVariants(null, null)));

        Assert.Contains("query", error.Message, StringComparison.Ordinal);
    }
}
