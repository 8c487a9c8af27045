using System.Text;
using Amazon.Runtime;
using TaskProtection.Testing;

namespace TaskProtection.Tests.EcsApi;

/// <summary>
/// Every form of an ECS API error the AWS SDKs read: the Smithy awsJson1_1 error protocol tests
/// (smithy-aws-protocol-tests/model/awsJson1_1/errors.smithy), each served over real HTTP on 127.0.0.1 and read by the
/// client, and an error that names no type at all.
/// </summary>
public sealed class EcsApiErrorTests : IAsyncLifetime
{
    private const string Uri = ":http://internal.amazon.com/coral/com.amazon.coral.validate/";
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private (int Status, string? ErrorType, string Body) _answer;
    private LoopbackHttpServer _server = null!;

    public static TheoryData<string, int, string?, string, string> SmithyCases => new()
    {
        // id, status, X-Amzn-Errortype, body, code the SDKs read
        { "AwsJson11InvalidGreetingError", 400, null, "{\"__type\": \"InvalidGreeting\", \"Message\": \"Hi\"}", "InvalidGreeting" },
        { "AwsJson11ComplexError", 400, null, "{\"__type\": \"ComplexError\", \"TopLevel\": \"Top level\", \"Nested\": {\"Foo\": \"bar\"}}", "ComplexError" },
        { "AwsJson11EmptyComplexError", 400, null, "{\"__type\": \"ComplexError\"}", "ComplexError" },
        { "AwsJson11FooErrorUsingXAmznErrorType", 500, "FooError", "", "FooError" },
        { "AwsJson11FooErrorUsingXAmznErrorTypeWithUri", 500, "FooError" + Uri, "", "FooError" },
        { "AwsJson11FooErrorUsingXAmznErrorTypeWithUriAndNamespace", 500, "aws.protocoltests.json#FooError" + Uri, "", "FooError" },
        { "AwsJson11FooErrorUsingCode", 500, null, "{\"code\": \"FooError\"}", "FooError" },
        { "AwsJson11FooErrorUsingCodeAndNamespace", 500, null, "{\"code\": \"aws.protocoltests.json#FooError\"}", "FooError" },
        { "AwsJson11FooErrorUsingCodeUriAndNamespace", 500, null, "{\"code\": \"aws.protocoltests.json#FooError" + Uri + "\"}", "FooError" },
        { "AwsJson11FooErrorWithDunderType", 500, null, "{\"__type\": \"FooError\"}", "FooError" },
        { "AwsJson11FooErrorWithDunderTypeAndNamespace", 500, null, "{\"__type\": \"aws.protocoltests.json#FooError\"}", "FooError" },
        { "AwsJson11FooErrorWithDunderTypeAndDifferentNamespace", 500, null, "{\"__type\": \"aws.different.namespace#FooError\"}", "FooError" },
        { "AwsJson11FooErrorWithDunderTypeUriAndNamespace", 500, null, "{\"__type\": \"aws.protocoltests.json#FooError" + Uri + "\"}", "FooError" },
        { "AwsJson11FooErrorWithNestedTypeProperty", 500, null, "{\"__type\": \"aws.protocoltests.json#FooError\", \"ErrorDetails\": [{\"__type\": \"com.amazon.internal#ErrorDetails\", \"reason\": \"Some reason\"}]}", "FooError" },
    };

    public Task InitializeAsync()
    {
        _server = new LoopbackHttpServer(async (stream, _, stopping) =>
        {
            string[] headers = ["x-amzn-RequestId: 11111111-2222-3333-4444-555555555555", .. _answer.ErrorType is { } type ? [$"X-Amzn-Errortype: {type}"] : Array.Empty<string>()];
            string? contentType = _answer.Body.Length > 0 ? "application/x-amz-json-1.1" : null;
            await LoopbackHttpServer.WriteAsync(stream, _answer.Status, contentType, _answer.Body, keepAlive: true, stopping, headers);
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
    [MemberData(nameof(SmithyCases))]
    public async Task The_error_type_is_read_as_the_Smithy_protocol_tests_say(string id, int status, string? errorType, string body, string code)
    {
        _answer = (status, errorType, body);

        TaskProtectionCallException error = await ErrorOfACallAsync();

        Assert.True(code == error.Code, $"{id}: {error.Code}");
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(status >= 500, error.IsRetryable);
        Assert.Equal("11111111-2222-3333-4444-555555555555", error.RequestId);
        Assert.DoesNotContain("http://", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_header_names_the_error_before_the_body()
    {
        _answer = (400, "ThrottlingException", "{\"__type\": \"ClientException\", \"message\": \"Rate exceeded\"}");

        TaskProtectionCallException error = await ErrorOfACallAsync();

        Assert.Equal(("ThrottlingException", CallFailureKind.Throttled, true, "Rate exceeded"), (error.Code, error.Kind, error.IsRetryable, error.Reason));
    }

    [Theory]
    [InlineData(500, "{}", "500", true)]
    [InlineData(503, "<html>Service Unavailable</html>", "503", true)]
    [InlineData(429, "", "429", true)]
    [InlineData(403, "{\"message\": \"Forbidden\"}", "403", false)]
    [InlineData(400, "{\"__type\": \"\"}", "400", false)]
    public async Task An_error_without_a_type_is_named_by_its_status(int status, string body, string code, bool retryable)
    {
        _answer = (status, null, body);

        TaskProtectionCallException error = await ErrorOfACallAsync();

        Assert.Equal((code, retryable), (error.Code, error.IsRetryable));
    }

    [Theory]
    [InlineData("ExpiredTokenException", 400, true)]
    [InlineData("AccessDeniedException", 500, false)]
    [InlineData("SomethingNew", 400, false)]
    [InlineData("SomethingNew", 502, true)]
    public void The_ECS_API_and_the_agent_share_one_table_of_codes(string code, int status, bool retryable)
    {
        TaskProtectionCallException api = EcsApiErrors.FromAnswer(new EcsApiResponse(status, Encoding.UTF8.GetBytes($"{{\"__type\":\"{code}\"}}"), null), "UpdateTaskProtection");
        TaskProtectionCallException agent = Assert.Throws<TaskProtectionCallException>(
            () => AgentResponseParser.Parse(status, Encoding.UTF8.GetBytes($"{{\"error\":{{\"Code\":\"{code}\",\"Message\":\"m\"}}}}"), true));

        Assert.Equal(retryable, api.IsRetryable);
        Assert.Equal(retryable, agent.IsRetryable);
    }

    private async Task<TaskProtectionCallException> ErrorOfACallAsync()
    {
        var endpoint = new Uri($"http://127.0.0.1:{_server.Port}/");
        var client = new EcsApiTaskProtectionClient(_http, new EcsApiOptions { EndpointUrl = endpoint, Region = "us-east-1" }, TimeSpan.FromSeconds(30), new BasicAWSCredentials("AKIDEXAMPLE", "secret"));
        return await Assert.ThrowsAsync<TaskProtectionCallException>(() => client.GetTaskProtectionAsync("jobs", ["arn:aws:ecs:us-east-1:123456789012:task/jobs/abc"]));
    }
}
