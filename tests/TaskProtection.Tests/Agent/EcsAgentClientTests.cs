using System.Text;
using TaskProtection.Testing;

namespace TaskProtection.Tests.Agent;

/// <summary>The HTTP client against a real loopback agent: every answer shape and fault of the contract.</summary>
public sealed class EcsAgentClientTests : IAsyncLifetime
{
    private static readonly TimeSpan NormalTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(500);
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private FakeEcsAgent _agent = null!;
    private EcsAgentClient _client = null!;

    public async Task InitializeAsync()
    {
        _agent = await FakeEcsAgent.StartAsync();
        _client = new EcsAgentClient(_http, _agent.AgentUri, NormalTimeout);
    }

    public async Task DisposeAsync()
    {
        await _agent.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task Enable_sends_only_the_two_known_fields_and_parses_the_protection()
    {
        DateTimeOffset before = DateTimeOffset.UtcNow;
        TaskProtectionState state = await _client.EnableAsync(7, CancellationToken.None);

        Assert.True(state.ProtectionEnabled);
        Assert.NotNull(state.ExpirationDate);
        Assert.InRange(state.ExpirationDate.Value, before.AddMinutes(7).AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(7).AddSeconds(1));
        Assert.Equal(_agent.Model.TaskArn, state.TaskArn);
        AgentCall call = Assert.Single(_agent.Model.Calls);
        Assert.Equal("PUT", call.Method);
        Assert.Equal("/api/fake-container-id/task-protection/v1/state", call.Path);
        Assert.Equal("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":7}", call.Body);
        Assert.True(_agent.Model.IsProtected);
    }

    [Fact]
    public async Task Disable_and_get_round_trip()
    {
        await _client.EnableAsync(3, CancellationToken.None);
        TaskProtectionState disabled = await _client.DisableAsync(CancellationToken.None);
        Assert.False(disabled.ProtectionEnabled);
        Assert.Null(disabled.ExpirationDate);
        Assert.Equal("{\"ProtectionEnabled\":false}", _agent.Model.Calls[1].Body);

        TaskProtectionState read = await _client.GetAsync(CancellationToken.None);
        Assert.False(read.ProtectionEnabled);
        Assert.Equal("GET", _agent.Model.Calls[2].Method);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2881)]
    public async Task Enable_rejects_minutes_outside_what_the_agent_accepts(int minutes)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.EnableAsync(minutes, CancellationToken.None));
        Assert.Empty(_agent.Model.Calls);
    }

    [Theory]
    [InlineData(AgentFaultKind.TooManyRequests, CallFailureKind.Throttled, true, 429, "TooManyRequests")]
    [InlineData(AgentFaultKind.Throttling, CallFailureKind.Throttled, true, 400, "ThrottlingException")]
    [InlineData(AgentFaultKind.ServerError, CallFailureKind.Error, true, 500, "ServerException")]
    [InlineData(AgentFaultKind.GatewayTimeout, CallFailureKind.Error, true, 504, "RequestCanceled")]
    [InlineData(AgentFaultKind.AccessDenied, CallFailureKind.Error, false, 403, "AccessDeniedException")]
    [InlineData(AgentFaultKind.DeploymentBlocked, CallFailureKind.Failure, false, 200, "DEPLOYMENT_BLOCKED")]
    [InlineData(AgentFaultKind.TaskNotValid, CallFailureKind.Failure, false, 200, "TASK_NOT_VALID")]
    public async Task Agent_failures_become_typed_exceptions(AgentFaultKind fault, CallFailureKind kind, bool retryable, int status, string code)
    {
        _agent.Model.Enqueue(fault);
        TaskProtectionCallException ex = await Assert.ThrowsAsync<TaskProtectionCallException>(() => _client.EnableAsync(7, CancellationToken.None));
        Assert.Equal(kind, ex.Kind);
        Assert.Equal(retryable, ex.IsRetryable);
        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(code, ex.Code);
        Assert.False(_agent.Model.IsProtected);
        if (fault == AgentFaultKind.Throttling)
        {
            Assert.NotNull(ex.RequestId);
            Assert.Contains(ex.RequestId, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_dropped_connection_is_a_retryable_transport_failure()
    {
        _agent.Model.Enqueue(AgentFaultKind.DropConnection);
        TaskProtectionCallException ex = await Assert.ThrowsAsync<TaskProtectionCallException>(() => _client.EnableAsync(7, CancellationToken.None));
        Assert.Equal(CallFailureKind.Transport, ex.Kind);
        Assert.True(ex.IsRetryable);
    }

    [Fact]
    public async Task A_late_landing_request_takes_effect_after_the_client_gave_up()
    {
        // The agent's delay runs on a fake clock, so the request lands only when the test moves it: after the client
        // gave up, however slowly a loaded machine lets that timeout fire.
        var agentClock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using FakeEcsAgent agent = await FakeEcsAgent.StartAsync(new ProtectionModel(agentClock));
        agent.Model.Enqueue(new AgentFault(AgentFaultKind.LateLanding, RequestDelay: TimeSpan.FromSeconds(1)));
        var client = new EcsAgentClient(_http, agent.AgentUri, ShortTimeout);

        TaskProtectionCallException ex = await Assert.ThrowsAsync<TaskProtectionCallException>(() => client.EnableAsync(7, CancellationToken.None));

        Assert.Equal(CallFailureKind.Timeout, ex.Kind);
        Assert.False(agent.Model.IsProtected, "Not landed yet when the client gave up.");
        // Move the agent's clock on in small steps (the agent may not have started its delay yet on a busy machine),
        // never so far that the 7-minute lease it would grant could have expired.
        DateTimeOffset gaveUp = agentClock.GetUtcNow();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!agent.Model.IsProtected && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (agentClock.GetUtcNow() - gaveUp < TimeSpan.FromMinutes(1))
            {
                agentClock.Advance(TimeSpan.FromMilliseconds(100));
            }

            await Task.Yield();
        }

        Assert.True(agent.Model.IsProtected, "The abandoned request landed later, as ECS may apply it.");
        Assert.Equal(AgentFaultKind.LateLanding, agent.Model.Calls[^1].Fault);
    }

    [Theory]
    [InlineData(AgentFaultKind.NoResponse)]
    [InlineData(AgentFaultKind.Blackhole)]
    [InlineData(AgentFaultKind.TruncatedBody)]
    public async Task An_answer_that_never_completes_times_out_within_the_bound(AgentFaultKind fault)
    {
        await _client.GetAsync(CancellationToken.None); // warm the connection so only the fault costs time
        _agent.Model.Enqueue(fault);
        var client = new EcsAgentClient(_http, _agent.AgentUri, ShortTimeout);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        TaskProtectionCallException ex = await Assert.ThrowsAsync<TaskProtectionCallException>(() => client.EnableAsync(7, CancellationToken.None));
        Assert.Equal(CallFailureKind.Timeout, ex.Kind);
        Assert.True(ex.IsRetryable);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData(AgentFaultKind.OversizedBody, "larger than")]
    [InlineData(AgentFaultKind.NotJson, "not JSON")]
    public async Task A_surprising_answer_is_a_malformed_response_not_a_crash(AgentFaultKind fault, string expected)
    {
        _agent.Model.Enqueue(fault);
        TaskProtectionCallException ex = await Assert.ThrowsAsync<TaskProtectionCallException>(() => _client.EnableAsync(7, CancellationToken.None));
        Assert.Equal(CallFailureKind.MalformedResponse, ex.Kind);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_agent_refuses_unknown_fields_with_400()
    {
        using var content = new StringContent("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":7,\"Extra\":1}", Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await _http.PutAsync(new Uri(_agent.AgentUri + "/task-protection/v1/state"), content);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("InvalidParameterException", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(_agent.Model.IsProtected);
    }

    [Fact]
    public async Task Nothing_listening_is_a_retryable_transport_failure()
    {
        var agent = await FakeEcsAgent.StartAsync();
        Uri uri = agent.AgentUri;
        await agent.DisposeAsync();
        var client = new EcsAgentClient(_http, uri, NormalTimeout);
        TaskProtectionCallException ex = await Assert.ThrowsAsync<TaskProtectionCallException>(() => client.EnableAsync(7, CancellationToken.None));
        Assert.True(ex.IsRetryable);
        Assert.Contains(uri.Authority, ex.Message, StringComparison.Ordinal);
    }
}
