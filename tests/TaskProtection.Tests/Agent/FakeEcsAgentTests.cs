using System.Text;
using Microsoft.Extensions.Time.Testing;
using TaskProtection.Testing;

namespace TaskProtection.Tests.Agent;

/// <summary>
/// What the fake agent does beyond the table of answers: Go's decoding of the request, the agent's order of checks,
/// RFC 3339 expiry dates, Go's string escaping, the routes, the limiter, and the faults' effect on the model.
/// </summary>
public sealed class FakeEcsAgentTests : IAsyncLifetime
{
    private const string DecodeError = "{\"error\":{\"Code\":\"InvalidParameterException\",\"Message\":\"UpdateTaskProtection: failed to decode request\"}}";
    private const string Missing = "{\"error\":{\"Arn\":\"taskARN\",\"Code\":\"InvalidParameterException\",\"Message\":\"Invalid request: does not contain 'ProtectionEnabled' field\"}}";
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2022, 10, 6, 0, 29, 16, 120, TimeSpan.Zero));
    private FakeEcsAgent _agent = null!;

    public async Task InitializeAsync() => _agent = await FakeEcsAgent.StartAsync(new ProtectionModel(_clock, taskArn: "taskARN"));

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        _http.Dispose();
    }

    [Theory]
    [InlineData("{\"protectionenabled\":true}", 200, 120)]
    [InlineData("{\"PROTECTIONENABLED\":true,\"expiresinminutes\":3}", 200, 3)]
    [InlineData("{\"ProtectionEnabled\":true,\"Expire\u017FInMinute\u017F\":3}", 200, 3)]
    [InlineData("{\"Protect\u0131onEnabled\":true,\"ExpiresInMinutes\":4}", 200, 4)]
    [InlineData("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":null}", 200, 120)]
    [InlineData("{\"ProtectionEnabled\":true} and whatever follows", 200, 120)]
    [InlineData("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":2}{\"Unknown\":1}", 200, 2)]
    [InlineData("{\"ProtectionEnabled\":false,\"ProtectionEnabled\":true}", 200, 120)]
    [InlineData("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":4294967297}", 200, 1)]
    [InlineData("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":-0}", 400, 0)]
    [InlineData("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":4294967296}", 400, 0)]
    [InlineData("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":2881}", 400, 0)]
    public async Task A_body_is_decoded_as_the_agents_Go_decoder_does(string body, int status, int minutes)
    {
        using HttpResponseMessage response = await PutAsync(_agent.AgentUri, body);
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal(status, (int)response.StatusCode);
        if (status == 200)
        {
            Assert.Equal(_clock.GetUtcNow().AddMinutes(minutes), _agent.Model.ExpiresAt);
        }
        else
        {
            // Decoded, then refused by ECS's range check, passed through with ECS's request id.
            Assert.StartsWith("{\"requestID\":\"00000000-0000-4000-8000-000000000001\",\"error\":{\"Arn\":\"taskARN\",\"Code\":\"InvalidParameterException\"", text, StringComparison.Ordinal);
            Assert.False(_agent.Model.IsProtected);
        }
    }

    [Theory]
    [InlineData("", DecodeError)]
    [InlineData("   ", DecodeError)]
    [InlineData("[]", DecodeError)]
    [InlineData("\"ProtectionEnabled\"", DecodeError)]
    [InlineData("{\"ProtectionEnabled\":1}", DecodeError)]
    [InlineData("{\"ProtectionEnabled\":\"true\"}", DecodeError)]
    [InlineData("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":5.0}", DecodeError)]
    [InlineData("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":1e1}", DecodeError)]
    [InlineData("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":\"5\"}", DecodeError)]
    [InlineData("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":9223372036854775808}", DecodeError)]
    [InlineData("{\"ProtectionEnabled\":true,\"Extra\":null}", DecodeError)]
    [InlineData("{\"ProtectionEnabled\":true,}", DecodeError)]
    [InlineData("\uFEFF{\"ProtectionEnabled\":true}", DecodeError)]
    [InlineData("null", Missing)]
    [InlineData("{}", Missing)]
    [InlineData("{\"ProtectionEnabled\":null,\"ExpiresInMinutes\":5}", Missing)]
    [InlineData("{\"ProtectionEnabled\":true,\"ProtectionEnabled\":null}", Missing)]
    public async Task A_body_the_agent_refuses_is_refused_with_its_answer(string body, string answer)
    {
        using HttpResponseMessage response = await PutAsync(_agent.AgentUri, body);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(answer, await response.Content.ReadAsStringAsync());
        Assert.False(_agent.Model.IsProtected);
    }

    [Theory]
    [InlineData("{\"Unknown\":1}", 400, DecodeError)]
    [InlineData("{}", 404, "{\"error\":{\"Code\":\"ResourceNotFoundException\",\"Message\":\"Failed to find a task for the request\"}}")]
    [InlineData("{\"ProtectionEnabled\":true}", 404, "{\"error\":{\"Code\":\"ResourceNotFoundException\",\"Message\":\"Failed to find a task for the request\"}}")]
    public async Task The_body_is_decoded_before_the_task_is_looked_up_and_checked_after(string body, int status, string answer)
    {
        var otherContainer = new Uri(_agent.AgentUri.AbsoluteUri.Replace("fake-container-id", "another-container", StringComparison.Ordinal));

        using HttpResponseMessage response = await PutAsync(otherContainer, body);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(answer, await response.Content.ReadAsStringAsync());
        Assert.Equal(AgentFaultKind.TaskNotFound, Assert.Single(_agent.Model.Calls).Fault);
    }

    [Fact]
    public async Task The_expiration_date_is_Gos_RFC3339_with_nanoseconds_trailing_zeros_trimmed()
    {
        string first = await EnableAsync(120);                       // at .120 s
        _clock.Advance(TimeSpan.FromMilliseconds(880));
        string second = await EnableAsync(120);                      // at a whole second
        _clock.Advance(TimeSpan.FromTicks(12_345));                  // 1.2345 ms: ECS keeps milliseconds
        string third = await EnableAsync(1);

        Assert.Equal("{\"protection\":{\"ExpirationDate\":\"2022-10-06T02:29:16.12Z\",\"ProtectionEnabled\":true,\"TaskArn\":\"taskARN\"}}", first);
        Assert.Equal("{\"protection\":{\"ExpirationDate\":\"2022-10-06T02:29:17Z\",\"ProtectionEnabled\":true,\"TaskArn\":\"taskARN\"}}", second);
        Assert.Equal("{\"protection\":{\"ExpirationDate\":\"2022-10-06T00:30:17.001Z\",\"ProtectionEnabled\":true,\"TaskArn\":\"taskARN\"}}", third);
        Assert.Equal(new DateTimeOffset(2022, 10, 6, 0, 30, 17, 1, TimeSpan.Zero), AgentResponseParser.Parse(200, Encoding.UTF8.GetBytes(third), true).ExpirationDate);
    }

    [Fact]
    public async Task Strings_are_escaped_as_Gos_encoder_escapes_them()
    {
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync(new ProtectionModel(taskArn: "a<b>&c\"d\\e\u2028f\n\bg\u0001é"));

        string body = await _http.GetStringAsync(new Uri(agent.AgentUri + ProtectionModel.StatePathSuffix));

        Assert.Equal("{\"protection\":{\"ExpirationDate\":null,\"ProtectionEnabled\":false,\"TaskArn\":\"a\\u003cb\\u003e\\u0026c\\\"d\\\\e\\u2028f\\n\\bg\\u0001é\"}}", body);
    }

    [Theory]
    [InlineData("DELETE", "/task-protection/v1/state", 405, null, "")]
    [InlineData("POST", "/task-protection/v1/state", 405, null, "")]
    [InlineData("GET", "/task-protection/v1/state/", 404, "text/plain; charset=utf-8", "404 page not found\n")]
    [InlineData("GET", "/task-protection/v1", 404, "text/plain; charset=utf-8", "404 page not found\n")]
    [InlineData("PUT", "/x/task-protection/v1/state", 404, "text/plain; charset=utf-8", "404 page not found\n")]
    public async Task Other_methods_and_paths_get_the_routers_answers_and_never_reach_the_handler(string method, string suffix, int status, string? contentType, string body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(_agent.AgentUri + suffix));
        using HttpResponseMessage response = await _http.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.ToString());
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
        Assert.Equal(status == 404, response.Headers.Contains("X-Content-Type-Options"));
        Assert.Empty(_agent.Model.Calls);
    }

    [Fact]
    public async Task With_the_limiter_on_a_burst_of_60_passes_then_40_a_second()
    {
        _agent.LimitRequests = true;
        var state = new Uri(_agent.AgentUri + ProtectionModel.StatePathSuffix);
        for (int i = 0; i < FakeEcsAgent.RequestBurst; i++)
        {
            using HttpResponseMessage passed = await _http.GetAsync(state);
            Assert.Equal(200, (int)passed.StatusCode);
        }

        using HttpResponseMessage refused = await _http.GetAsync(state);
        using HttpResponseMessage otherPath = await _http.GetAsync(new Uri(_agent.AgentUri + "/other"));
        _clock.Advance(TimeSpan.FromMilliseconds(25));
        using HttpResponseMessage refilled = await _http.GetAsync(state);
        using HttpResponseMessage again = await _http.GetAsync(state);

        Assert.Equal((429, "text/plain; charset=utf-8", "You have reached maximum request limit."), ((int)refused.StatusCode, refused.Content.Headers.ContentType?.ToString(), await refused.Content.ReadAsStringAsync()));
        Assert.Equal(404, (int)otherPath.StatusCode);
        Assert.Equal(200, (int)refilled.StatusCode);
        Assert.Equal(429, (int)again.StatusCode);
        Assert.Equal(2, _agent.Model.Calls.Count(c => c.Fault == AgentFaultKind.TooManyRequests));
    }

    [Fact]
    public async Task Every_answer_carries_the_limiters_headers_and_a_date()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_agent.AgentUri + ProtectionModel.StatePathSuffix));
        request.Headers.Add("X-Forwarded-For", "10.0.0.7");
        using HttpResponseMessage response = await _http.SendAsync(request);

        Assert.Equal("10.0.0.7", Assert.Single(response.Headers.GetValues("X-Rate-Limit-Request-Forwarded-For")));
        Assert.Equal(new DateTimeOffset(2022, 10, 6, 0, 29, 16, TimeSpan.Zero), response.Headers.Date); // the model's clock, to the second
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task A_gateway_timeout_can_come_after_ECS_applied_the_update()
    {
        _agent.Model.Enqueue(AgentFaultKind.GatewayTimeoutApplied);
        var client = new EcsAgentClient(_http, _agent.AgentUri, TimeSpan.FromSeconds(30));

        TaskProtectionCallException ex = await Assert.ThrowsAsync<TaskProtectionCallException>(() => client.EnableAsync(7, CancellationToken.None));

        Assert.Equal(("RequestCanceled", 504, true), (ex.Code, ex.StatusCode, ex.IsRetryable));
        Assert.True(_agent.Model.IsProtected);
        Assert.Equal(AgentFaultKind.GatewayTimeoutApplied, Assert.Single(_agent.Model.Calls).Fault);
    }

    [Theory]
    [InlineData(AgentFaultKind.TaskNotFound, 404, "ResourceNotFoundException")]
    [InlineData(AgentFaultKind.TaskMetadataUnavailable, 500, "ServerException")]
    [InlineData(AgentFaultKind.EcsAccessDenied, 400, "AccessDeniedException")]
    [InlineData(AgentFaultKind.GatewayTimeoutApplied, 504, "RequestCanceled")]
    [InlineData(AgentFaultKind.Scripted, 500, "ServerException")]
    public async Task The_in_memory_client_meets_the_same_answers(AgentFaultKind fault, int status, string code)
    {
        var model = new ProtectionModel(_clock);
        model.Enqueue(fault);

        TaskProtectionCallException ex = await Assert.ThrowsAsync<TaskProtectionCallException>(() => new InMemoryTaskProtectionClient(model).EnableAsync(7, CancellationToken.None));

        Assert.Equal((status, code), (ex.StatusCode, ex.Code));
        Assert.Equal(fault == AgentFaultKind.GatewayTimeoutApplied, model.IsProtected);
    }

    [Fact]
    public async Task A_GET_for_the_ECS_AccessDenied_names_the_read_action()
    {
        _agent.Model.Enqueue(AgentFaultKind.EcsAccessDenied);

        string body = await (await _http.GetAsync(new Uri(_agent.AgentUri + ProtectionModel.StatePathSuffix))).Content.ReadAsStringAsync();

        Assert.Contains("is not authorized to perform: ecs:GetTaskProtection on resource: taskARN", body, StringComparison.Ordinal);
    }

    private async Task<string> EnableAsync(int minutes)
    {
        using HttpResponseMessage response = await PutAsync(_agent.AgentUri, $"{{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":{minutes}}}");
        return await response.Content.ReadAsStringAsync();
    }

    private Task<HttpResponseMessage> PutAsync(Uri agentUri, string body) =>
        _http.PutAsync(new Uri(agentUri + ProtectionModel.StatePathSuffix), new StringContent(body, Encoding.UTF8, "application/json"));
}
